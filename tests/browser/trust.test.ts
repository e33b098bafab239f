// The trust rules in the editor (Chromium against the real server): a delegation's deletion of others'
// words becomes a proposed deletion; agreed ad ref locks a paragraph for delegations; a change the
// server refuses anyway is explained, and the tab starts again from the server's text.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { browserSkipReason, startHarness, selectIn, paragraphText, serverText, type Harness } from './harness.ts'
import { scenario as runScenario, type Open } from './scenario.ts'

const missing = browserSkipReason()

describe.skipIf(missing !== null)('trust rules in the editor', () => {
  let h: Harness

  beforeAll(async () => { h = await startHarness() }, 120_000)
  afterAll(async () => { await h?.close() })

  const scenario = (name: string, story: (open: Open) => Promise<void>) => runScenario(() => h, name, story)

  it('a delegation deleting others\' words proposes their deletion instead (struck text); its own words it deletes', scenario('strike-not-delete', async (open) => {
    const ind = await open(h.links.IND)
    const chn = await open(h.links.CHN)
    await selectIn(ind, 'PP2.', 'vast, ')
    await ind.keyboard.press('Backspace')
    await expect.poll(() => serverText(h), { timeout: 10_000 }).toContain('~~vast, ~~')
    await expect.poll(() => chn.locator('.pm-deletion', { hasText: 'vast,' }).count(), { timeout: 10_000 }).toBe(1)
    expect(await ind.locator('.notice').textContent()).toContain('proposed deletion')
    // Its own words: typed, then deleted for real.
    await selectIn(ind, 'PP2.', null)
    await ind.keyboard.type(' our words', { delay: 10 })
    await expect.poll(() => serverText(h), { timeout: 10_000 }).toContain('our words')
    for (let i = 0; i < ' words'.length; i++) await ind.keyboard.press('Backspace')
    await expect.poll(() => paragraphText(chn, 'PP2.'), { timeout: 10_000 }).toMatch(/ our$/)
    expect(h.server.storage.refusals('astana-statement')).toEqual([])
  }))

  it('a delegation may lift a bracket it put in, not another delegation\'s', scenario('lift-own-bracket', async (open) => {
    const ind = await open(h.links.IND)
    const chn = await open(h.links.CHN)
    await selectIn(ind, 'PP1.', 'common goals')
    await ind.getByRole('button', { name: 'Bracket the selection' }).click()
    await expect.poll(() => serverText(h), { timeout: 10_000 }).toContain('[common goals]')
    await expect.poll(() => chn.locator('.pm-bracket', { hasText: 'common goals' }).count(), { timeout: 10_000 }).toBe(1)
    await selectIn(chn, 'PP1.', 'common goals')
    const chnLift = chn.getByRole('button', { name: 'Remove the bracket at the cursor, keep its words' })
    await expect.poll(() => chnLift.isDisabled(), { timeout: 5000 }).toBe(true)
    await selectIn(ind, 'PP1.', 'common goals')
    const indLift = ind.getByRole('button', { name: 'Remove the bracket at the cursor, keep its words' })
    await expect.poll(() => indLift.isDisabled(), { timeout: 5000 }).toBe(false)
    await indLift.click()
    await expect.poll(() => serverText(h), { timeout: 10_000 }).not.toContain('[common goals]')
    expect(h.server.storage.refusals('astana-statement')).toEqual([])
  }))

  it('a delegation pasting another delegation\'s position is stopped and told why; its own pastes go through', scenario('paste-positions', async (open) => {
    const chn = await open(h.links.CHN)
    const paste = (text: string) => chn.evaluate((t) => {
      const data = new DataTransfer()
      data.setData('text/plain', t)
      document.querySelector('.podium-text')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
    }, text)
    await selectIn(chn, 'PP6.', null)
    await paste(' [their words] (-ISR)')
    await expect.poll(async () => (await chn.locator('.notice').textContent()) ?? '', { timeout: 5000 }).toContain("Only Israel can state Israel's position")
    expect(await serverText(h)).not.toContain('[their words]')
    await selectIn(chn, 'PP6.', null)
    await paste(' [our words] (+CHN)')
    await expect.poll(() => serverText(h), { timeout: 10_000 }).toContain('[our words] (+CHN)')
    expect(h.server.storage.refusals('astana-statement')).toEqual([])
  }))

  it('the chair marks a paragraph agreed ad ref: delegations see it locked and cannot change it; the chair reopens it', scenario('agreed-ad-ref', async (open) => {
    const chair = await open(h.links.chair)
    const ind = await open(h.links.IND)
    await selectIn(chair, 'PP3.', 'central role')
    await chair.getByRole('button', { name: /^Mark the paragraph agreed ad ref/ }).click()
    await expect.poll(() => serverText(h), { timeout: 10_000 }).toMatch(/\n\[Agreed ad ref\]\n/)
    const locked = ind.locator('p.pm-adref', { hasText: 'PP3.' })
    await expect.poll(() => locked.count(), { timeout: 10_000 }).toBe(1)
    // The delegation's toolbar says why nothing can be done there, and typing changes nothing.
    await selectIn(ind, 'PP3.', 'central role')
    const bracket = ind.getByRole('button', { name: 'Bracket the selection' })
    await expect.poll(() => bracket.isDisabled(), { timeout: 5000 }).toBe(true)
    expect(await bracket.getAttribute('title')).toContain('agreed ad ref')
    const before = await paragraphText(ind, 'PP3.')
    await selectIn(ind, 'PP3.', 'central role', 'end')
    await ind.keyboard.type(' XYZ')
    expect(await paragraphText(ind, 'PP3.')).toBe(before)
    await expect.poll(async () => (await ind.locator('.notice').textContent()) ?? '', { timeout: 5000 }).toContain('agreed ad ref')
    // Delegations have no ad ref button that works.
    expect(await ind.getByRole('button', { name: /^Mark the paragraph agreed ad ref/ }).isDisabled()).toBe(true)
    // The chair reopens it; the delegation can type again.
    await selectIn(chair, 'PP3.', 'central role')
    await chair.getByRole('button', { name: /^Mark the paragraph agreed ad ref/ }).click()
    await expect.poll(() => locked.count(), { timeout: 10_000 }).toBe(0)
    await selectIn(ind, 'PP3.', 'central role', 'end')
    await ind.keyboard.type(' again', { delay: 10 })
    await expect.poll(() => serverText(h), { timeout: 10_000 }).toContain('central role again')
    expect(h.server.storage.refusals('astana-statement')).toEqual([])
  }))

  it('a change the server refuses (made behind the editor\'s back) is explained, and the tab starts again from the server\'s text', scenario('refused-resync', async (open) => {
    const ind = await open(h.links.IND)
    const textBefore = await serverText(h)
    // Straight on the tab's Yjs document, past the editor: withdraw China's first position.
    await ind.evaluate(() => {
      const doc = (window as unknown as { podium: { connection: { ydoc: { getXmlFragment(n: string): unknown } } } }).podium.connection.ydoc
      type El = { nodeName?: string; getAttribute?(k: string): unknown; toArray?(): El[]; parent?: El & { delete(i: number, n: number): void } }
      const walk = (e: El): El | null => {
        for (const c of e.toArray?.() ?? []) {
          if (c.nodeName === 'delegation_mark' && c.getAttribute!('delegation') === 'CHN') return c
          const found = walk(c)
          if (found) return found
        }
        return null
      }
      const mark = walk(doc.getXmlFragment('prosemirror') as El)!
      mark.parent!.delete(mark.parent!.toArray!().indexOf(mark), 1)
    })
    // The page reloads from the server's text and says why.
    await expect.poll(async () => (await ind.locator('.notice').textContent().catch(() => '')) ?? '', { timeout: 15_000 })
      .toContain("Only China can withdraw China's position")
    await ind.waitForSelector('body[data-ready]', { timeout: 15_000 })
    expect(await serverText(h)).toBe(textBefore)
    await expect.poll(() => paragraphText(ind, 'PP4.'), { timeout: 10_000 }).toContain('(+CHN)')
    expect(h.server.storage.refusals('astana-statement')[0]).toMatchObject({ rule: 'position-owner', delegation: 'IND' })
    // No loop: after the reload the tab stays connected and its edits go through.
    await selectIn(ind, 'PP2.', null)
    await ind.keyboard.type(' after the refusal', { delay: 10 })
    await expect.poll(() => serverText(h), { timeout: 10_000 }).toContain('after the refusal')
    expect(h.server.storage.refusals('astana-statement').length).toBe(1)
  }))
})
