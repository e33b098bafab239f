import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { exportRedlinePdf, renderRedlineHtml } from '../../server/export/pdf-redline.ts'
import { findChromium } from '../../server/export/pdf.ts'
import type { Comparison } from '../../shared/history/types.ts'
import { hasCommand } from './helpers.ts'

const chromium = findChromium()
const pdftotext = hasCommand('pdftotext')
const missing = [chromium ? '' : 'Chromium', pdftotext ? '' : 'pdftotext (poppler-utils)'].filter(Boolean).join(' and ')
if (missing && process.env.CI) throw new Error(`redline PDF tests need ${missing} in CI`)
if (missing) console.warn(`skipping redline PDF tests: ${missing} not installed (apt-get install -y chromium poppler-utils)`)

const text = (t: string, change: 'same' | 'added' | 'removed' = 'same', by: string | null = null, extra: object = {}) => ({ type: 'text' as const, text: t, marks: [] as string[], change, by, ...extra })

// One paragraph of each kind of change: IND inserted words, CHN deleted words, RUS proposed words for
// deletion (struck, still there), TUR bracketed words that stayed and opposed them, a paragraph the
// secretariat added whole.
const COMPARISON: Comparison = {
  blocks: [
    { type: 'paragraph', id: 'a', sep: 'blank', change: 'same', by: null, content: [text('PP1. We affirm '), text('lasting and ', 'added', 'IND'), text('peace.')] },
    { type: 'paragraph', id: 'b', sep: 'blank', change: 'same', by: null, content: [text('PP2. Recalling '), text('the obsolete clause ', 'removed', 'CHN'), text('the Charter.')] },
    { type: 'paragraph', id: 'c', sep: 'blank', change: 'same', by: null, content: [text('PP3. Noting '), { ...text('populous and '), marks: ['deletion'], proposal: { by: 'RUS', since: true } }, text('diverse regions.')] },
    {
      type: 'paragraph', id: 'd', sep: 'blank', change: 'same', by: null, content: [
        text('PP4. Welcoming '),
        { type: 'bracket', attrs: {}, marks: [], change: 'added', by: 'TUR', content: [text('regional cooperation')] },
        text(' ', 'added', 'TUR'),
        { type: 'delegation_mark', attrs: { delegation: 'TUR', stance: '-', qualifier: null }, marks: [], change: 'added', by: 'TUR', content: [] }
      ]
    },
    { type: 'paragraph', id: 'e', sep: 'blank', change: 'added', by: 'Secretariat', content: [text('OP9. A paragraph added whole.')] }
  ],
  changes: [
    { paragraph: 'PP1', paragraphId: 'a', kind: 'text-changed', summary: 'text changed in PP1', by: ['IND'] },
    { paragraph: 'PP3', paragraphId: 'c', kind: 'deletion-proposed', summary: 'RUS proposed deleting "populous and" in PP3', by: ['RUS'] }
  ],
  byIdentity: { IND: 1, RUS: 1 }
}
const META = { title: 'Draft Astana Statement', between: 'Podium version as of COB, 4 October 2022 → live text', date: '2022-10-05T09:30:00.000Z', timeZone: 'Asia/Almaty' }

const squash = (s: string) => s.replace(/\s+/g, ' ')

describe('redline as HTML for print', () => {
  it('draws insertions, deletions and proposed deletions apart, each with who', () => {
    const html = renderRedlineHtml(COMPARISON, META)
    expect(html).toMatch(/<ins>lasting and <\/ins><span class="by ins" title="inserted by IND">IND<\/span>/)
    expect(html).toMatch(/<del>the obsolete clause <\/del><span class="by del" title="deleted by CHN">CHN<\/span>/)
    expect(html).toMatch(/<s class="proposal">populous and <\/s><span class="by proposal" title="deletion proposed by RUS">proposed: RUS<\/span>/)
    // The bracketed words are not the bracket's insertion: only [ and ] are.
    expect(html).not.toMatch(/<ins>[^<]*regional cooperation/)
    // The meeting's time zone, named (Almaty was UTC+6 on that day).
    expect(html).toContain('5 October 2022, 15:30 (Asia/Almaty)')
    expect(() => renderRedlineHtml(COMPARISON, { ...META, date: 'yesterday' })).toThrow(RangeError)
    expect(() => renderRedlineHtml(COMPARISON, { ...META, timeZone: 'Mars/Olympus' })).toThrow(RangeError)
  })

  it('escapes what people typed', () => {
    const hostile: Comparison = { ...COMPARISON, blocks: [{ type: 'paragraph', id: 'x', sep: 'blank', change: 'same', by: null, content: [text('<script>alert(1)</script>', 'added', '<b>IND</b>')] }] }
    const html = renderRedlineHtml(hostile, { ...META, between: '</style><script>x</script>' })
    expect(html).not.toContain('<script>')
    expect(html).not.toContain('<b>IND')
  })
})

describe.skipIf(!!missing)('redline PDF through headless Chromium', () => {
  it('prints the changed words with their authors, the legend, the changes and the date', async () => {
    const r = await exportRedlinePdf(COMPARISON, META)
    if (!r.ok) throw new Error(r.message)
    const file = join(mkdtempSync(join(tmpdir(), 'podium-redline-pdf-')), 'r.pdf')
    writeFileSync(file, r.pdf)
    const out = squash(execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }))
    expect(out).toContain('lasting and IND')
    expect(out).toContain('the obsolete clause CHN')
    expect(out).toContain('populous and proposed: RUS')
    // TUR's [ and ] with its position, the words inside not TUR's.
    expect(out).toMatch(/Welcoming \[ ?TUR regional cooperation ?\] ?\(-TUR\) ?TUR/)
    expect(out).toMatch(/OP9\. A paragraph added whole\. Secretariat Changes by paragraph/)
    expect(out).toContain('Legend: inserted (underlined) · deleted (struck) · proposed for deletion (struck, dashed) · after each change, who made it.')
    expect(out).toContain('RUS proposed deleting "populous and" in PP3')
    expect(out).toContain('Redline: Podium version as of COB, 4 October 2022 → live text · 5 October 2022, 15:30 (Asia/Almaty)')
    expect(out).toMatch(/Page 1 of 1/)
  }, 90_000)

  it('says when no browser is installed', async () => {
    const r = await exportRedlinePdf(COMPARISON, META, { browser: null })
    expect(r).toMatchObject({ ok: false, code: 'no-browser' })
  })
})
