// The browser editor in a real Chromium against the real server: convergence, negotiation commands,
// observers, offline editing and reloads. Each test opens fresh browser contexts (own storage).
import { describe, it, expect, beforeAll, afterAll, onTestFailed } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import { browserUnavailable, startHarness, openLink, screenshots, selectIn, paragraphText, serverText, type Harness } from './harness.ts'

const missing = browserUnavailable()
if (missing && process.env.CI) throw new Error(`browser tests cannot run in CI: ${missing}`)
if (missing) console.warn(`skipping browser tests: ${missing}`)

describe.skipIf(missing !== null)('browser editor', () => {
  let h: Harness
  const contexts: BrowserContext[] = []

  beforeAll(async () => { h = await startHarness() }, 120_000)
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close().catch(() => {})))
    await h?.close()
  })

  /** Opens a link in a new context; its page is screenshotted if the test fails. */
  async function open(link: Harness['links'][keyof Harness['links']], pages: Page[], waitEditable = true): Promise<Page> {
    const { context, page } = await openLink(h, link, waitEditable)
    contexts.push(context)
    pages.push(page)
    return page
  }
  function shootOnFailure(name: string, pages: Page[]) {
    onTestFailed(async () => { await screenshots(name, pages) })
  }

  it('two delegations typing in the same paragraph at once converge', async () => {
    const pages: Page[] = []
    shootOnFailure('converge', pages)
    const ind = await open(h.links.IND, pages)
    const chn = await open(h.links.CHN, pages)
    await selectIn(ind, 'PP2.', null)
    await selectIn(chn, 'PP2.', null)
    await Promise.all([
      ind.keyboard.type(' alpha from India', { delay: 15 }),
      chn.keyboard.type(' beta from China', { delay: 15 })
    ])
    await expect.poll(async () => {
      const [a, b] = await Promise.all([paragraphText(ind, 'PP2.'), paragraphText(chn, 'PP2.')])
      // Whole phrases: the two delegations' letters must not interleave.
      return a === b && a.includes(' alpha from India') && a.includes(' beta from China')
    }, { timeout: 10_000 }).toBe(true)
    await expect.poll(() => serverText(h), { timeout: 10_000 }).toContain('beta from China')
    // Each sees the other's cursor, labelled with the delegation code.
    await expect.poll(() => ind.locator('.pm-cursor-label', { hasText: 'CHN' }).count(), { timeout: 5000 }).toBeGreaterThan(0)
  })

  it('one delegation brackets text and opposes it with the toolbar; the other sees bracket and chip', async () => {
    const pages: Page[] = []
    shootOnFailure('bracket-oppose', pages)
    const ind = await open(h.links.IND, pages)
    const chn = await open(h.links.CHN, pages)
    await selectIn(ind, 'PP1.', 'shared principles')
    await ind.getByRole('button', { name: 'Bracket the selection' }).click()
    await ind.getByRole('button', { name: /^Oppose the bracket/ }).click()
    const bracket = chn.locator('.pm-bracket', { hasText: 'shared principles' })
    await expect.poll(() => bracket.count(), { timeout: 10_000 }).toBe(1)
    const chip = chn.locator('.pm-position[data-delegation="IND"][data-stance="-"]').first()
    await expect.poll(() => chip.isVisible(), { timeout: 10_000 }).toBe(true)
    expect(await chip.getAttribute('aria-label')).toBe('India opposes')
    expect(await paragraphText(chn, 'PP1.')).toContain('[shared principles] (-IND)')
    await expect.poll(() => serverText(h), { timeout: 10_000 }).toContain('[shared principles] (-IND)')
    // The positions matrix of the other delegation lists it; a click goes to the bracket.
    await chn.getByRole('tab', { name: 'Positions' }).click()
    const cell = chn.getByRole('button', { name: 'IND opposes (PP1)' })
    await expect.poll(() => cell.count(), { timeout: 5000 }).toBe(1)
    await cell.click()
    await expect.poll(() => chn.locator('.pm-bracket.is-current', { hasText: 'shared principles' }).count()).toBe(1)
  })

  it('the observer gets a read-only podium screen and cannot change anything', async () => {
    const pages: Page[] = []
    shootOnFailure('observer', pages)
    const before = await serverText(h)
    const obs = await open(h.links.observer, pages, false)
    expect(await obs.locator('body.podium-screen').count()).toBe(1)
    expect(await obs.locator('.podium-text').getAttribute('contenteditable')).toBe('false')
    expect(await obs.locator('[role="toolbar"]').count()).toBe(0)
    await obs.locator('.podium-text p', { hasText: 'PP3.' }).click()
    await obs.keyboard.type('observer was here')
    await obs.keyboard.press('Enter')
    // Even a change forced past the read-only editor (as from devtools) is refused by the server.
    await obs.evaluate(() => {
      const view = window.podium!.view
      view.dispatch(view.state.tr.insertText('FORCED BY OBSERVER ', 1))
    })
    await obs.waitForTimeout(1500)
    const after = await serverText(h)
    expect(after).not.toContain('observer was here')
    expect(after).not.toContain('FORCED BY OBSERVER')
    expect(after).toBe(before)
    // A delegation's screen shows nothing of it either.
    const ind = await open(h.links.IND, pages)
    expect(await ind.locator('.podium-text').textContent()).not.toContain('FORCED BY OBSERVER')
  })

  it('a delegation taken offline keeps editing and its edits arrive on reconnect', async () => {
    const pages: Page[] = []
    shootOnFailure('offline', pages)
    const ind = await open(h.links.IND, pages)
    const chn = await open(h.links.CHN, pages)
    const state = (p: Page) => p.locator('.link-state').getAttribute('data-state')
    await expect.poll(() => state(ind)).toBe('live')
    await ind.context().setOffline(true)
    await expect.poll(() => state(ind), { timeout: 5000 }).toBe('offline')
    await selectIn(ind, 'PP3.', null)
    await ind.keyboard.type(' typed while offline')
    await chn.waitForTimeout(1000)
    expect(await paragraphText(chn, 'PP3.')).not.toContain('typed while offline')
    expect(await serverText(h)).not.toContain('typed while offline')
    await ind.context().setOffline(false)
    await expect.poll(() => state(ind), { timeout: 10_000 }).toBe('live')
    await expect.poll(() => paragraphText(chn, 'PP3.'), { timeout: 10_000 }).toContain('typed while offline')
    await expect.poll(() => serverText(h), { timeout: 10_000 }).toContain('typed while offline')
  })

  it('a reload right after typing loses nothing', async () => {
    const pages: Page[] = []
    shootOnFailure('reload', pages)
    const ind = await open(h.links.IND, pages)
    await selectIn(ind, 'PP6.', null)
    await ind.keyboard.type(' kept across reload')
    await ind.reload()
    await ind.waitForSelector('body[data-ready]', { timeout: 15_000 })
    // Still signed in (the token stayed in the tab's sessionStorage, not in the address).
    expect(ind.url()).not.toContain('token=')
    await expect.poll(() => paragraphText(ind, 'PP6.'), { timeout: 10_000 }).toContain('kept across reload')
    await expect.poll(() => serverText(h), { timeout: 10_000 }).toContain('kept across reload')
  })
})
