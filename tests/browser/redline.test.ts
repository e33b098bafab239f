// The redline says what happened (Chromium against the real server): a proposed deletion reads as a
// proposal by its proposer, not as a deletion; words in emphasis next to a new bracket stay unchanged.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import type { Page } from 'playwright-core'
import { browserSkipReason, startHarness, selectIn, serverText, type Harness } from './harness.ts'
import { readFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { XMLValidator } from 'fast-xml-parser'
import { scenario } from './scenario.ts'
import { zipParts } from '../export/helpers.ts'

const missing = browserSkipReason()
const squash = (s: string) => s.replace(/\s+/g, ' ')

describe.skipIf(missing !== null)('redline in the browser', () => {
  let h: Harness
  beforeAll(async () => { h = await startHarness() }, 120_000)
  afterAll(async () => { await h?.close() })

  async function snapshot(label: string) {
    const res = await fetch(`${h.server.url}/api/docs/astana-statement/snapshots`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${h.links.secretariat.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ label })
    })
    expect(res.status).toBeLessThan(300)
  }

  async function sinceLastCob(p: Page) {
    await p.getByRole('tab', { name: 'History' }).click()
    await p.locator('#panel-history').waitFor()
    await p.getByRole('button', { name: 'Since last COB' }).click()
    await p.locator('.compare-view').waitFor({ timeout: 10_000 })
  }

  it('a proposed deletion reads as a proposal by its proposer, and the list names it', scenario(() => h, 'redline-proposal', async (open) => {
    await snapshot('Before the strike')
    const ind = await open(h.links.IND)
    await selectIn(ind, 'PP2.', 'populous and ')
    await ind.keyboard.press('Backspace')
    await expect.poll(() => serverText(h), { timeout: 10_000 }).toContain('~~populous and ~~')
    const sec = await open(h.links.secretariat)
    await sinceLastCob(sec)
    const struck = sec.locator('.redline s.rl-proposal[data-proposed-by="IND"][data-since]', { hasText: 'populous' })
    expect(await struck.count()).toBe(1)
    expect(await struck.getAttribute('title')).toBe('Proposed for deletion by IND')
    // Not a deletion, not an insertion.
    expect(await sec.locator('.redline del.rl', { hasText: 'populous' }).count()).toBe(0)
    expect(await sec.locator('.redline ins.rl', { hasText: 'populous' }).count()).toBe(0)
    expect(await sec.getByRole('button', { name: /IND proposed deleting "populous and" in PP2/ }).count()).toBe(1)
    expect(await sec.getByRole('button', { name: /text changed in PP2/ }).count()).toBe(0)
    // The redline as Word: real revisions with author and date, named with the date and time.
    await selectIn(ind, 'PP3.', null)
    await ind.keyboard.type(' new words of India', { delay: 5 })
    await expect.poll(() => serverText(h), { timeout: 10_000 }).toContain('new words of India')
    await sec.getByRole('button', { name: 'Back to the live text' }).click()
    await sinceLastCob(sec)
    const [download] = await Promise.all([sec.waitForEvent('download'), sec.getByRole('button', { name: 'Redline as Word' }).click()])
    expect(download.suggestedFilename()).toMatch(/^astana-statement-redline-\d+-to-live-\d{12}\.docx$/)
    const bytes = readFileSync((await download.path())!)
    expect(bytes.subarray(0, 2).toString()).toBe('PK')
    const xml = zipParts(bytes)['word/document.xml']
    expect(XMLValidator.validate(xml)).toBe(true)
    expect(xml).toMatch(/<w:ins w:id="\d+" w:author="IND" w:date="\d{4}-\d\d-\d\dT[^"]+">(?:(?!<\/w:ins>).)*new words of India/s)
    expect(xml).toContain('deletion proposed by IND')
    expect(xml).not.toMatch(/<w:del [^>]*>(?:(?!<\/w:del>).)*populous/s)
    // The redline as PDF, from the same banner: the words with who changed them, the proposal as a proposal.
    const [pdf] = await Promise.all([sec.waitForEvent('download', { timeout: 60_000 }), sec.getByRole('button', { name: 'Redline as PDF' }).click()])
    expect(pdf.suggestedFilename()).toMatch(/^astana-statement-redline-\d+-to-live-\d{12}\.pdf$/)
    const printed = squash(execFileSync('pdftotext', [(await pdf.path())!, '-'], { encoding: 'utf8' }))
    expect(printed).toContain('new words of India IND')
    expect(printed).toContain('populous and proposed: IND')
    expect(printed).toMatch(/IND proposed deleting "populous and" in PP2 — IND/)
    expect(printed).toMatch(/Redline: Before the strike → live text \(\d{1,2} \w+ \d{4}, \d\d:\d\d \([\w/]+\)\)/)
  }), 120_000)

  it('bracketing next to words in emphasis leaves them unchanged in the redline (five tries)', scenario(() => h, 'redline-emphasis', async (open) => {
    const ind = await open(h.links.IND)
    const sec = await open(h.links.secretariat)
    for (let i = 0; i < 5; i++) {
      await snapshot(`Before bracket ${i}`)
      // A fresh phrase each time, right before the emphasised "aiming at".
      const phrase = ['years to come', 'global progress', 'economic development', 'driving force', 'multipolar world'][i]
      await selectIn(ind, 'PP2.', phrase)
      await ind.getByRole('button', { name: 'Bracket the selection' }).click()
      await expect.poll(() => serverText(h), { timeout: 10_000 }).toContain(`[${phrase}]`)
      await sinceLastCob(sec)
      const bracket = sec.locator('.redline .pm-bracket.rl-bracket[data-by="IND"]', { hasText: phrase })
      expect(await bracket.count()).toBe(1)
      const changed = await sec.locator('.redline p[data-change] ins.rl:not(.rl-delim), .redline p[data-change] del.rl:not(.rl-delim)').allTextContents()
      expect(changed.filter((t) => /aiming|developing|resources/.test(t))).toEqual([])
      await sec.getByRole('button', { name: 'Back to the live text' }).click()
    }
  }))
})
