import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parsePodium } from '../../shared/format/index.ts'
import { exportPdf, findChromium, footerLine } from '../../server/export/index.ts'
import { ASTANA } from '../helpers/seed.ts'
import { hasCommand, plainBlocks } from './helpers.ts'

const chromium = findChromium()
const pdftotext = hasCommand('pdftotext')
const missing = [chromium ? '' : 'Chromium', pdftotext ? '' : 'pdftotext (poppler-utils)'].filter(Boolean).join(' and ')
// CI installs both (.ci/run); a developer machine without them skips, and says why.
if (missing && process.env.CI) throw new Error(`PDF tests need ${missing} in CI`)
if (missing) console.warn(`skipping PDF tests: ${missing} not installed (apt-get install -y chromium poppler-utils)`)

const META = { title: 'Draft Astana Statement', label: 'Podium version as of COB, 4 October 2022', hash: 'abc123' }
// Line breaks fall anywhere (also after a hyphen) and chips' padding reads as a space: compare every
// character in order, white space aside.
const squash = (s: string) => s.replace(/\s+/g, '')

describe.skipIf(!!missing)('PDF export through headless Chromium', () => {
  it('prints A4 pages whose text holds every block of the podium text, with the footer', async () => {
    const doc = parsePodium(ASTANA).doc
    const r = await exportPdf(doc, META)
    if (!r.ok) throw new Error(r.message)
    const dir = mkdtempSync(join(tmpdir(), 'podium-pdf-test-'))
    const file = join(dir, 'a.pdf')
    writeFileSync(file, r.pdf)
    expect(execFileSync('pdfinfo', [file], { encoding: 'utf8' })).toMatch(/Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)/)
    const text = execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' })
    expect(text).toContain(footerLine(META))
    expect(text).toMatch(/Page 1 of \d/)
    // In content order (-raw) each page starts with its footer, which may fall inside a paragraph
    // that crosses a page: drop it.
    const body = squash(text.split('\n').filter((l) => !l.includes(footerLine(META)) && !/^Page \d+ of \d+$/.test(l)).join('\n').replace(/\f/g, '\n'))
    for (const block of plainBlocks(doc)) expect(body, block.slice(0, 40)).toContain(squash(block))
  }, 90_000)

  it('prints footnotes and endnotes as numbers in the text with their text in the notes, and the draft\'s version line', async () => {
    const doc = parsePodium('OP1. Recalls decision 2/CMA.3{{footnote: Decision 2/CMA.3, paras. 14–15.}} and its annex{{endnote: As amended.}}.').doc
    const r = await exportPdf(doc, { ...META, header: ['Version 14/11/2024 13:00'] })
    if (!r.ok) throw new Error(r.message)
    const dir = mkdtempSync(join(tmpdir(), 'podium-pdf-test-'))
    const file = join(dir, 'n.pdf')
    writeFileSync(file, r.pdf)
    const text = squash(execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' }))
    expect(text).toContain(squash('Version 14/11/2024 13:00'))
    expect(text).toContain(squash('Recalls decision 2/CMA.31 and its annexi.'))
    expect(text).toContain(squash('Footnotes 1. Decision 2/CMA.3, paras. 14–15.'))
    expect(text).toContain(squash('Endnotes i. As amended.'))
  }, 90_000)
})

describe('PDF export without a browser', () => {
  it('says which browser is missing instead of throwing', async () => {
    const r = await exportPdf(parsePodium('PP1. x').doc, META, { browser: null })
    expect(r).toEqual({ ok: false, code: 'no-browser', message: expect.stringMatching(/needs Chromium.*\/usr\/bin\/chromium/) })
    expect(findChromium({ PODIUM_CHROMIUM: '/nonexistent/chromium' })).toBeNull()
  })
})
