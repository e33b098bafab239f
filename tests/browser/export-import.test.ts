// Export and import in a real Chromium against the real server: downloads through the Export menu
// (live text, a snapshot, as an observer), the PDF refusal message, import with preview on the
// meeting home (cancel writes nothing) and replacing the live text from the document page.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { readFile } from 'node:fs/promises'
import type { Page } from 'playwright-core'
import { browserSkipReason, startHarness, serverText, type Harness } from './harness.ts'
import { scenario } from './scenario.ts'

const missing = browserSkipReason()

const IMPORT_TEXT = 'PP1. We [agree on this.\n\nPP2. A second paragraph [with a bracket] (-CHN) (+IND).'

describe.skipIf(missing !== null)('export and import in the browser', () => {
  let h: Harness
  beforeAll(async () => { h = await startHarness() }, 120_000)
  afterAll(async () => { await h?.close() })

  const rest = async (path: string, token = h.links.secretariat.token, init: RequestInit = {}) => {
    const res = await fetch(`${h.server.url}/api${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...init.headers } })
    if (!res.ok) throw new Error(`${path}: ${res.status}`)
    return res
  }
  const docNames = async () => ((await (await rest('/docs')).json()) as { name: string }[]).map((d) => d.name).sort()

  /** Picks `item` in the Export menu inside `scope` and returns the download's name and bytes. */
  async function exportVia(page: Page, scope: string, item: string): Promise<{ name: string; bytes: Buffer }> {
    await page.locator(scope).getByRole('button', { name: /^Export/ }).first().click()
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 15_000 }),
      page.locator(scope).getByRole('menuitem', { name: item }).click()
    ])
    const path = await download.path()
    return { name: download.suggestedFilename(), bytes: await readFile(path) }
  }

  it('exports the live text as DOCX and text, a snapshot from History, and as an observer', scenario(() => h, 'export', async (open) => {
    const sec = await open(h.links.secretariat)
    const docx = await exportVia(sec, 'header', 'Word (DOCX)')
    // The live text's file carries the date and time it was exported.
    expect(docx.name).toMatch(/^draft-astana-statement.*-live-\d{4}-\d\d-\d\d-\d{4}almaty\.docx$/)
    expect(docx.bytes.subarray(0, 2).toString('latin1')).toBe('PK')
    const text = await exportVia(sec, 'header', 'Text (podium text)')
    expect(text.bytes.toString('utf8')).toBe(await serverText(h))

    // A snapshot's export from the History panel is the snapshot's text.
    const snap = (await (await rest('/docs/astana-statement/snapshots', undefined, { method: 'POST', body: JSON.stringify({ label: 'For capitals' }) })).json()) as { id: number }
    await sec.getByRole('tab', { name: 'History' }).click()
    const item = `li.snapshot[data-snapshot="${snap.id}"]`
    await sec.locator(item).waitFor({ timeout: 10_000 })
    const snapText = await exportVia(sec, item, 'Text (podium text)')
    expect(snapText.bytes.toString('utf8')).toBe(await (await rest(`/docs/astana-statement/snapshots/${snap.id}?format=text`)).text())

    // When the server cannot print a PDF, its message is shown.
    await sec.route('**/api/docs/*/export?format=pdf*', (route) => route.fulfill({ status: 501, contentType: 'application/json', body: JSON.stringify({ error: 'no-browser', message: 'PDF needs Chromium on the server (apt-get install chromium)' }) }))
    await sec.locator('header').getByRole('button', { name: /^Export/ }).click()
    await sec.locator('header').getByRole('menuitem', { name: 'Print/PDF' }).click()
    await expect.poll(() => sec.locator('.notice').textContent()).toContain('PDF needs Chromium on the server')

    // The menu works from the keyboard: Enter opens on the first format, arrows move, Escape closes back to the button.
    const menuButton = sec.locator('header').getByRole('button', { name: /^Export/ })
    await menuButton.focus()
    await sec.keyboard.press('Enter')
    expect(await sec.evaluate(() => document.activeElement?.textContent)).toBe('Text (podium text)')
    await sec.keyboard.press('ArrowDown')
    expect(await sec.evaluate(() => document.activeElement?.textContent)).toBe('Word (DOCX)')
    await sec.keyboard.press('Escape')
    expect(await menuButton.getAttribute('aria-expanded')).toBe('false')
    expect(await sec.evaluate(() => document.activeElement?.getAttribute('aria-haspopup'))).toBe('menu')

    // An observer (podium screen) exports too.
    const obs = await open(h.links.observer, false)
    const obsText = await exportVia(obs, 'header', 'Text (podium text)')
    expect(obsText.bytes.toString('utf8')).toBe(await serverText(h))
  }))

  it('imports pasted text on the meeting home after a preview; cancelling writes nothing', scenario(() => h, 'import-home', async (open) => {
    const sec = await open(h.links.secretariat)
    await sec.goto(h.server.url + '/')
    await sec.getByRole('link', { name: /Draft Astana Statement/ }).waitFor()
    const before = await docNames()
    await sec.locator('#new-name').fill('imported-statement')
    await sec.locator('#new-title').fill('Imported statement')
    await sec.locator('#new-text').fill(IMPORT_TEXT)
    await sec.getByRole('button', { name: 'Preview and create…' }).click()
    const dialog = sec.getByRole('dialog')
    await dialog.locator('.import-summary').waitFor({ timeout: 10_000 })
    const count = (k: string) => dialog.locator(`dd[data-count="${k}"]`).textContent()
    expect(await count('paragraphs')).toBe('2')
    expect(await count('brackets')).toBe('1')
    expect(await count('positions')).toBe('2')
    expect(await dialog.locator('.import-warnings li').allTextContents()).toEqual(['line 1, column 9: unmatched "[" kept as text'])
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await expect.poll(() => sec.locator('.flash').textContent()).toContain('nothing was created')
    expect(await docNames()).toEqual(before)

    await sec.getByRole('button', { name: 'Preview and create…' }).click()
    await dialog.locator('.import-summary').waitFor({ timeout: 10_000 })
    await dialog.getByRole('button', { name: 'Import' }).click()
    await sec.locator('tr[data-doc="imported-statement"]').waitFor({ timeout: 10_000 })
    expect(await docNames()).toEqual([...before, 'imported-statement'].sort())
    expect(await serverText(h, 'imported-statement')).toContain('[with a bracket] (-CHN) (+IND)')
  }))

  it('replaces the live text from a Word file in the document page, after a snapshot', scenario(() => h, 'replace', async (open) => {
    // The seed as Word, then a change, then the Word file brought back over it.
    const original = await serverText(h)
    const docx = Buffer.from(await (await rest('/docs/astana-statement/export?format=docx')).arrayBuffer())
    await rest('/docs/astana-statement/replace', undefined, { method: 'POST', body: JSON.stringify({ text: 'PP1. Only this paragraph is left.' }) })
    const sec = await open(h.links.secretariat)
    const ind = await open(h.links.IND)
    await sec.getByRole('button', { name: 'Replace text from file…' }).click()
    const dialog = sec.getByRole('dialog')
    expect(await dialog.textContent()).toContain('A snapshot of the current text')
    await dialog.getByLabel(/file/).setInputFiles({ name: 'astana.docx', mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', buffer: docx })
    await dialog.getByRole('button', { name: 'Preview' }).click()
    await dialog.locator('.import-summary').waitFor({ timeout: 10_000 })
    expect(await dialog.locator('h3').first().textContent()).toContain('(Word)')
    expect(Number(await dialog.locator('dd[data-count="brackets"]').textContent())).toBeGreaterThan(5)
    expect(await serverText(h)).toBe('PP1. Only this paragraph is left.\n')
    await dialog.getByRole('button', { name: 'Replace the text' }).click()
    await expect.poll(() => serverText(h), { timeout: 10_000 }).toBe(original)
    await expect.poll(() => ind.locator('.podium-text p', { hasText: 'PP12.' }).count(), { timeout: 10_000 }).toBe(1)
    // The delegation is told who replaced the text (client/history/restore-notice.ts).
    await expect.poll(() => ind.locator('.restore-notice').textContent(), { timeout: 10_000 }).toMatch(/replaced the text with an import for everyone/)
    await sec.getByRole('tab', { name: 'History' }).click()
    await expect.poll(() => sec.locator('li.snapshot', { hasText: 'Before replacing the text with an import' }).count(), { timeout: 10_000 }).toBeGreaterThan(0)
  }))
})
