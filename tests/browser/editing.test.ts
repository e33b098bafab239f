// Basic editing in a real Chromium against the real server: every structural path makes paragraphs
// (never a heading by accident), lifting a bracket lifts its positions, a Word paste's \r\n leaves
// no \r and no empty paragraphs.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import type { Page } from 'playwright-core'
import { browserSkipReason, startHarness, selectIn, paragraphText, serverText, type Harness } from './harness.ts'
import { scenario as runScenario, type Open } from './scenario.ts'

const missing = browserSkipReason()

/** The top-level blocks of the editor: tag and text. */
function blocks(page: Page): Promise<{ tag: string; text: string }[]> {
  return page.evaluate(() => [...document.querySelectorAll('.podium-text > *')].map((el) => ({ tag: el.tagName.toLowerCase(), text: el.textContent ?? '' })))
}

/** The block (tag) whose text starts with `start`. */
async function tagOf(page: Page, start: string): Promise<string | null> {
  return (await blocks(page)).find((b) => b.text.startsWith(start))?.tag ?? null
}

function paste(page: Page, text: string): Promise<void> {
  return page.evaluate((text) => {
    const data = new DataTransfer()
    data.setData('text/plain', text)
    document.querySelector('.podium-text')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
  }, text)
}

describe.skipIf(missing !== null)('basic editing', () => {
  let h: Harness

  beforeAll(async () => { h = await startHarness() }, 120_000)
  afterAll(async () => { await h?.close() })

  const scenario = (name: string, story: (open: Open) => Promise<void>) => runScenario(() => h, name, story)

  it('Enter at the end, middle and start of a paragraph makes paragraphs that count and take labels', scenario('enter-paragraphs', async (open) => {
    const sec = await open(h.links.secretariat)
    // End: a new paragraph, Alt+L labels it (the next free label after PP2), it shows in the outline.
    await selectIn(sec, 'PP2.', null)
    await sec.keyboard.press('Enter')
    await sec.keyboard.press('Alt+l')
    await sec.keyboard.type('new words at the end', { delay: 5 })
    await expect.poll(() => blocks(sec).then((b) => b.find((x) => x.text.includes('new words at the end')))).toMatchObject({ tag: 'p' })
    const added = (await blocks(sec)).find((x) => x.text.includes('new words at the end'))!
    expect(added.text).toMatch(/^PP2a\. new words at the end$/)
    const outlineTab = sec.getByRole('tab', { name: 'Outline' })
    if (await outlineTab.count()) await outlineTab.click()
    await expect.poll(() => sec.locator('.outline').textContent(), { timeout: 5000 }).toContain('PP2a')
    // Middle: both halves are paragraphs.
    await selectIn(sec, 'PP3.', 'PP3.', 'end')
    await sec.keyboard.press('Enter')
    await expect.poll(() => tagOf(sec, 'PP3.')).toBe('p')
    const afterSplit = await blocks(sec)
    const i = afterSplit.findIndex((b) => b.text === 'PP3.')
    expect(afterSplit[i + 1].tag).toBe('p')
    // Backspace joins them back into one paragraph.
    await sec.keyboard.press('Backspace')
    await expect.poll(() => blocks(sec).then((b) => b.filter((x) => x.text === 'PP3.').length)).toBe(0)
    expect(await tagOf(sec, 'PP3.')).toBe('p')
    // Start: an empty paragraph before, the paragraph itself unchanged.
    await selectIn(sec, 'PP4.', 'PP4.')
    await sec.keyboard.press('ArrowLeft')
    await sec.keyboard.press('Enter')
    await expect.poll(async () => { const b = await blocks(sec); const j = b.findIndex((x) => x.text.startsWith('PP4.')); return [b[j - 1]?.tag, b[j - 1]?.text, b[j].tag] }).toEqual(['p', '', 'p'])
    // Delete at the end of the empty paragraph joins PP4 into it: still a paragraph.
    await sec.keyboard.press('ArrowLeft')
    await sec.keyboard.press('Delete')
    await expect.poll(async () => { const b = await blocks(sec); const j = b.findIndex((x) => x.text.startsWith('PP4.')); return [b[j - 1]?.text === '', b[j].tag] }).toEqual([false, 'p'])
    await expect.poll(() => serverText(h), { timeout: 10_000 }).toContain('PP2a. new words at the end')
    expect(await serverText(h)).not.toMatch(/^# PP2a/m)
  }))

  // Under load, a character typed right after Enter used to stay after the cursor ("P1. second
  // lineP"): Chromium reported the selection at the new paragraph's start. client/editor/empty-block-input.ts.
  it('a new document typed from scratch, and one emptied with Ctrl+A Delete, is paragraphs', scenario('from-scratch', async (open) => {
    const res = await fetch(`${h.server.url}/api/docs`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${h.links.secretariat.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'scratch', title: 'Scratch' })
    })
    expect(res.status).toBeLessThan(300)
    const sec = await open({ ...h.links.secretariat, url: h.links.secretariat.url.replace('/d/astana-statement', '/d/scratch') })
    await sec.locator('.podium-text').click()
    await sec.keyboard.press('Control+a')
    await sec.keyboard.press('Delete')
    await expect.poll(() => blocks(sec)).toEqual([{ tag: 'p', text: '' }])
    await sec.keyboard.type('first line', { delay: 5 })
    await sec.keyboard.press('Enter')
    await sec.keyboard.type('PP1. second line', { delay: 5 })
    await sec.keyboard.press('Enter')
    await sec.keyboard.press('Alt+l')
    await sec.keyboard.type('third line', { delay: 5 })
    await expect.poll(() => blocks(sec)).toEqual([
      { tag: 'p', text: 'first line' }, { tag: 'p', text: 'PP1. second line' }, { tag: 'p', text: 'PP2. third line' }
    ])
    await expect.poll(() => serverText(h, 'scratch'), { timeout: 10_000 }).toBe('first line\n\nPP1. second line\n\nPP2. third line\n')
  }))

  it('pasting Word text with Windows line endings gives paragraphs, no \\r and no empty paragraphs', scenario('paste-crlf', async (open) => {
    const sec = await open(h.links.secretariat)
    const before = (await blocks(sec)).length
    const emptyBefore = (await blocks(sec)).filter((b) => b.text.trim() === '').length
    await selectIn(sec, 'PP6.', null)
    await paste(sec, 'tail words\r\n\r\nOP90. pasted one\r\n\r\nOP91. pasted two\r\n')
    await expect.poll(() => tagOf(sec, 'OP91.')).toBe('p')
    const after = await blocks(sec)
    expect(after.length).toBe(before + 2)
    expect(after.some((b) => b.text.includes('\r'))).toBe(false)
    expect(after.filter((b) => b.text.trim() === '').length).toBe(emptyBefore)
    expect(await paragraphText(sec, 'PP6.')).toMatch(/tail words$/)
    await expect.poll(() => serverText(h), { timeout: 10_000 }).toContain('tail words\n\nOP90. pasted one\n\nOP91. pasted two')
    expect(await serverText(h)).not.toContain('\r')
  }))

  it('the chair lifts a bracket with its positions in one undo step; a delegation cannot lift its bracket once another holds a position on it', scenario('lift-positions', async (open) => {
    const ind = await open(h.links.IND)
    const chn = await open(h.links.CHN)
    const chair = await open(h.links.chair)
    await selectIn(ind, 'PP1.', 'common goals')
    await ind.getByRole('button', { name: 'Bracket the selection' }).click()
    await ind.getByRole('button', { name: /^Support the bracket/ }).click()
    await expect.poll(() => paragraphText(chn, 'PP1.'), { timeout: 10_000 }).toContain('[common goals] (+IND)')
    // IND may lift its own bracket carrying only its own position…
    await selectIn(ind, 'PP1.', 'common goals')
    const indLift = ind.getByRole('button', { name: 'Remove the bracket at the cursor, keep its words' })
    await expect.poll(() => indLift.isDisabled(), { timeout: 5000 }).toBe(false)
    // …but not once CHN opposes it: that would withdraw CHN's position. The tooltip says so.
    await selectIn(chn, 'PP1.', 'common goals')
    await chn.getByRole('button', { name: /^Oppose the bracket/ }).click()
    await expect.poll(() => paragraphText(ind, 'PP1.'), { timeout: 10_000 }).toContain('[common goals] (+IND) (-CHN)')
    await selectIn(ind, 'PP1.', 'common goals')
    await expect.poll(() => indLift.isDisabled(), { timeout: 5000 }).toBe(true)
    expect(await indLift.getAttribute('title')).toContain("CHN's position")
    await ind.keyboard.press('Control+]')
    await ind.waitForTimeout(300)
    expect(await paragraphText(ind, 'PP1.')).toContain('[common goals] (+IND) (-CHN)')
    // The chair lifts the bracket and both positions; the paragraph is no longer open because of it.
    await expect.poll(() => paragraphText(chair, 'PP1.'), { timeout: 10_000 }).toContain('[common goals] (+IND) (-CHN)')
    await selectIn(chair, 'PP1.', 'common goals')
    await chair.keyboard.press('Control+]')
    await expect.poll(() => serverText(h), { timeout: 10_000 }).toContain('common goals')
    await expect.poll(() => paragraphText(ind, 'PP1.'), { timeout: 10_000 }).not.toContain('(+IND)')
    const lifted = await paragraphText(ind, 'PP1.')
    expect(lifted).not.toContain('[common goals]')
    expect(lifted).not.toContain('(-CHN)')
    // One undo brings back the bracket and both positions.
    await chair.keyboard.press('Control+z')
    await expect.poll(() => paragraphText(ind, 'PP1.'), { timeout: 10_000 }).toContain('[common goals] (+IND) (-CHN)')
    expect(h.server.storage.refusals('astana-statement')).toEqual([])
  }))

  it('Alt+= with no delegation speaking says why; the disabled buttons say why in their tooltip; Ctrl+] on another\'s bracket too', scenario('say-why', async (open) => {
    const sec = await open(h.links.secretariat)
    await selectIn(sec, 'PP4.', 'promoting our interaction')
    const support = sec.getByRole('button', { name: /^Support the bracket/ })
    await expect.poll(() => support.isDisabled(), { timeout: 5000 }).toBe(true)
    expect(await support.getAttribute('title')).toBe('Choose the delegation speaking first ("For …" in the toolbar)')
    await sec.keyboard.press('Alt+=')
    await expect.poll(() => sec.locator('.notice').textContent(), { timeout: 5000 }).toContain('Choose the delegation speaking first')
    // Once a delegation is chosen it works.
    await sec.getByLabel(/Delegation speaking/).selectOption('TUR')
    await selectIn(sec, 'PP4.', 'promoting our interaction')
    await sec.keyboard.press('Alt+=')
    await expect.poll(() => serverText(h), { timeout: 10_000 }).toContain('(+TUR)')
    // A delegation pressing Ctrl+] on a bracket it did not put in is told why.
    const ind = await open(h.links.IND)
    await selectIn(ind, 'PP4.', 'promoting our interaction')
    await ind.keyboard.press('Control+]')
    await expect.poll(() => ind.locator('.notice').textContent(), { timeout: 5000 }).toContain('only a bracket it put in')
  }))

  it('a pasted position naming no delegation of the roster stays text and is reported', scenario('paste-unknown-code', async (open) => {
    const ind = await open(h.links.IND)
    await selectIn(ind, 'PP11.', null)
    await paste(ind, ' [pasted for XYZ] (+XYZ) (+IND)')
    await expect.poll(() => paragraphText(ind, 'PP11.'), { timeout: 5000 }).toContain('[pasted for XYZ] (+XYZ) (+IND)')
    expect(await ind.locator('.pm-position[data-delegation="XYZ"]').count()).toBe(0)
    expect(await ind.locator('p', { hasText: 'PP11.' }).locator('.pm-position[data-delegation="IND"]').count()).toBe(1)
    await expect.poll(() => ind.locator('.notice').textContent(), { timeout: 5000 }).toContain('Not on the roster, kept as text: XYZ')
    await expect.poll(() => serverText(h), { timeout: 10_000 }).toContain('[pasted for XYZ] (+XYZ) (+IND)')
    expect(h.server.storage.refusals('astana-statement')).toEqual([])
  }))

  it('OP… in the preamble asks first', scenario('op-in-preamble', async (open) => {
    const sec = await open(h.links.secretariat)
    await selectIn(sec, 'PP7.', null)
    await sec.keyboard.press('Enter')
    await sec.keyboard.type('a new operative idea', { delay: 5 })
    await sec.keyboard.press('Home')
    await sec.keyboard.press('Alt+o')
    const dialog = sec.getByRole('dialog')
    await expect.poll(() => dialog.textContent(), { timeout: 5000 }).toContain('among the preambular (PP) paragraphs')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    expect((await blocks(sec)).some((b) => b.text === 'a new operative idea')).toBe(true)
    await sec.locator('.podium-text').focus()
    await sec.keyboard.press('Alt+o')
    await sec.getByRole('dialog').getByRole('button', { name: 'Insert OP label' }).click()
    await expect.poll(() => blocks(sec).then((b) => b.find((x) => x.text.endsWith('a new operative idea'))?.text)).toMatch(/^OP\d+[a-z]*\. a new operative idea$/)
  }))
})
