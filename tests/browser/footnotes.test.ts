// Footnotes and endnotes in the editor, in a real Chromium against the real server: a superscript
// number in document order (1, 2; i for endnotes), the text on hover (title) and after a click,
// the header of the imported draft beside the title.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { createDocument } from '../../server/documents.ts'
import { browserSkipReason, startHarness, type Harness } from './harness.ts'
import { scenario as runScenario, type Open } from './scenario.ts'

const missing = browserSkipReason()

describe.skipIf(missing !== null)('footnotes in the editor', () => {
  let h: Harness

  beforeAll(async () => {
    h = await startHarness()
    const made = createDocument(h.server.storage, 'notes', 'Draft decision -/CMA.6',
      'OP1. Recalls decision 2/CMA.3{{footnote: Decision 2/CMA.3, paras. 14–15.}} and [its annex]{{endnote: As amended.}}.\n\nOP2. Notes the report{{footnote: FCCC/TP/2023/1.}}.', h.server.meeting.roster)
    if (!made.ok) throw new Error(made.reason)
    h.server.storage.setDocMeta('notes', { header: 'SBSTA 61 – agenda item 13(a)\nVersion 14/11/2024 13:00' })
  }, 120_000)
  afterAll(async () => { await h?.close() })

  const scenario = (name: string, story: (open: Open) => Promise<void>) => runScenario(() => h, name, story)

  it('shows numbered superscripts with their text on hover and click, and the version line beside the title', scenario('footnotes', async (open) => {
    const page = await open({ ...h.links.IND, url: h.links.IND.url.replace('/d/astana-statement', '/d/notes') })
    const notes = page.locator('.podium-text sup.pm-footnote')
    await expect.poll(() => notes.count(), { timeout: 10_000 }).toBe(3)
    // The numbers are drawn by CSS counters in document order (footnotes 1, 2…, endnotes i, ii…), reset per text.
    const markers = await notes.evaluateAll((els) => els.map((e) => [getComputedStyle(e, '::before').content, getComputedStyle(e, '::before').counterIncrement]))
    expect(markers).toEqual([['counter(podium-footnote)', 'podium-footnote 1'], ['counter(podium-endnote, lower-roman)', 'podium-endnote 1'], ['counter(podium-footnote)', 'podium-footnote 1']])
    expect(await page.locator('.podium-text').evaluate((e) => getComputedStyle(e).counterReset)).toBe('podium-footnote 0 podium-endnote 0')
    expect(await notes.nth(0).getAttribute('title')).toBe('Decision 2/CMA.3, paras. 14–15.')
    expect(await notes.nth(1).getAttribute('aria-label')).toBe('Endnote: As amended.')
    // The text is hidden until the marker is clicked.
    const text = notes.nth(2).locator('.pm-footnote-text')
    expect(await text.isVisible()).toBe(false)
    await notes.nth(2).click()
    await expect.poll(() => text.isVisible(), { timeout: 5000 }).toBe(true)
    expect(await text.textContent()).toBe('FCCC/TP/2023/1.')
    await expect.poll(() => page.locator('.doc-header').textContent(), { timeout: 5000 }).toBe('Version 14/11/2024 13:00')
  }))
})
