// The History panel in a real Chromium against the real server: a snapshot taken by the secretariat,
// a delegation's bracket and opposition shown in the "Since last COB" redline and change list,
// a snapshot viewed read-only, and a restore reaching every connected editor.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import type { Page } from 'playwright-core'
import { browserSkipReason, startHarness, selectIn, paragraphText, serverText, type Harness } from './harness.ts'
import { scenario } from './scenario.ts'

const missing = browserSkipReason()

describe.skipIf(missing !== null)('history in the browser', () => {
  let h: Harness
  beforeAll(async () => { h = await startHarness() }, 120_000)
  afterAll(async () => { await h?.close() })

  const historyTab = async (p: Page) => {
    await p.getByRole('tab', { name: 'History' }).click()
    await p.locator('#panel-history').waitFor()
  }

  it('snapshot, redline since last COB, read-only view, restore', scenario(() => h, 'history', async (open) => {
    const sec = await open(h.links.secretariat)
    const ind = await open(h.links.IND)
    const original = await serverText(h)

    // The secretariat takes a snapshot with its own label (the default is offered).
    await historyTab(sec)
    await sec.getByRole('button', { name: 'Take snapshot…' }).click()
    const label = sec.getByRole('dialog').getByLabel('Label')
    expect(await label.inputValue()).toMatch(/^Podium version as of \d+ \w+ \d{4}, \d\d:\d\d \(Asia\/Almaty\)$/)
    await label.fill('Before the IND proposal')
    await label.press('Enter')
    const item = sec.locator('li.snapshot', { hasText: 'Before the IND proposal' })
    await item.waitFor({ timeout: 10_000 })
    expect(await item.textContent()).toMatch(/paragraphs: \d+ agreed, \d+ open/)
    expect(await sec.locator('.chart svg > title').textContent()).toMatch(/Progress per/)

    // A delegation brackets a phrase and opposes it with the toolbar.
    await selectIn(ind, 'PP1.', 'shared principles')
    await ind.getByRole('button', { name: 'Bracket the selection' }).click()
    await ind.getByRole('button', { name: /^Oppose the bracket/ }).click()
    await expect.poll(() => serverText(h), { timeout: 10_000 }).toContain('[shared principles] (-IND)')

    // Since last COB: the bracket inserted by IND in the redline, and the change in the list.
    await sec.getByRole('button', { name: 'Since last COB' }).click()
    await sec.locator('.compare-view').waitFor({ timeout: 10_000 })
    expect(await sec.locator('#compare-title').textContent()).toContain('Before the IND proposal')
    // Only the bracket's [ and ] are IND's insertion: the words it put them around are not.
    const bracket = sec.locator('.redline .pm-bracket.rl-bracket[data-change="added"][data-by="IND"]', { hasText: 'shared principles' })
    expect(await bracket.count()).toBe(1)
    expect(await bracket.locator('ins.rl.rl-delim[data-by="IND"]').allTextContents()).toEqual(['inserted by IND: [ (end inserted)', 'inserted by IND: ] (end inserted)'])
    expect(await sec.locator('.redline ins.rl', { hasText: 'shared principles' }).count()).toBe(0)
    expect(await sec.locator('.redline ins.rl[data-by="IND"] .pm-position[data-delegation="IND"][data-stance="-"]').count()).toBe(1)
    const change = sec.getByRole('button', { name: /IND opposed the bracket in PP1/ })
    expect(await change.count()).toBe(1)
    expect(await sec.locator('.by-identity .chip[data-by="IND"]').count()).toBe(1)
    // A click on the change goes to its paragraph in the redline.
    await change.click()
    expect(await sec.evaluate(() => (document.activeElement?.textContent ?? '').startsWith('PP1.'))).toBe(true)
    // The live editor is hidden meanwhile, and comes back.
    expect(await sec.locator('#podium-text').isHidden()).toBe(true)
    await sec.getByRole('button', { name: 'Back to the live text' }).click()
    expect(await sec.locator('#podium-text').isVisible()).toBe(true)

    // View the snapshot read-only: typing changes nothing.
    await sec.getByRole('button', { name: 'View Before the IND proposal' }).click()
    const banner = sec.locator('#snapshot-title')
    await banner.waitFor()
    expect(await banner.textContent()).toBe('Viewing: Before the IND proposal — read-only')
    const snap = sec.locator('.snapshot-text')
    expect(await snap.getAttribute('contenteditable')).toBe('false')
    const before = await snap.textContent()
    const pp1 = snap.locator('p', { hasText: 'PP1.' })
    expect(await pp1.locator('.pm-bracket').count()).toBe(0)
    expect(await pp1.locator('.pm-position').count()).toBe(0)
    await snap.locator('p', { hasText: 'PP2.' }).click()
    await sec.keyboard.type('typed into a snapshot')
    await sec.keyboard.press('Enter')
    expect(await snap.textContent()).toBe(before)
    await sec.waitForTimeout(300)
    expect(await serverText(h)).not.toContain('typed into a snapshot')
    await sec.keyboard.press('Escape')
    await expect.poll(() => sec.locator('.snapshot-view').count()).toBe(0)

    // Restore: confirmed, the old text comes back to every connected editor.
    await item.getByRole('button', { name: 'Restore Before the IND proposal' }).click()
    const dialog = sec.getByRole('dialog')
    expect(await dialog.textContent()).toContain('A snapshot of the current text is taken first')
    await dialog.getByRole('button', { name: 'Restore' }).click()
    await expect.poll(() => serverText(h), { timeout: 10_000 }).toBe(original)
    for (const p of [ind, sec]) await expect.poll(() => paragraphText(p, 'PP1.'), { timeout: 10_000 }).not.toContain('(-IND)')
    expect(await paragraphText(ind, 'PP1.')).toContain('shared principles')
    await expect.poll(() => sec.locator('li.snapshot', { hasText: 'Before restoring' }).count(), { timeout: 10_000 }).toBe(1)
  }))

  it('a delegation sees the history but cannot take or restore snapshots', scenario(() => h, 'history-delegation', async (open) => {
    // Two snapshots to compare, whatever the other test left.
    for (const label of ['Morning', 'Noon']) {
      const res = await fetch(`${h.server.url}/api/docs/astana-statement/snapshots`, { method: 'POST', headers: { Authorization: `Bearer ${h.links.chair.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ label }) })
      expect(res.status).toBe(201)
    }
    const chn = await open(h.links.CHN)
    await historyTab(chn)
    await chn.locator('li.snapshot').first().waitFor({ timeout: 10_000 })
    expect(await chn.getByRole('button', { name: 'Take snapshot…' }).count()).toBe(0)
    expect(await chn.getByRole('button', { name: /^Restore / }).count()).toBe(0)
    // Compare any two: the latest snapshot with the one before it.
    await chn.getByRole('button', { name: 'Compare…', exact: true }).click()
    const dialog = chn.getByRole('dialog')
    const options = await dialog.getByLabel('From').locator('option').allTextContents()
    expect(options.length).toBeGreaterThanOrEqual(2)
    await dialog.getByLabel('To').selectOption({ index: 2 })
    await dialog.getByRole('button', { name: 'Compare' }).click()
    await chn.locator('.compare-view').waitFor({ timeout: 10_000 })
    expect(await chn.locator('.redline p').count()).toBeGreaterThan(3)
  }))
})
