import { describe, expect, it } from 'vitest'
import { exportDocx, exportHtml } from '../../server/export/index.ts'
import { previewImport } from '../../server/import/index.ts'
import { serializePodium } from '../../shared/format/index.ts'
import { br, doc, em, fn, p, pos } from '../helpers/builders.ts'
import { paragraphRuns, zipParts } from './helpers.ts'

// Footnotes, brackets over several paragraphs and the draft's header in the HTML and DOCX exports.

const META = { title: 'Draft decision -/CMA.6', header: ['SBSTA 61 – agenda item 13(a)', 'Version 14/11/2024 13:00'] }

// OP1 opens a bracket that OP3 closes (a whole option in brackets); footnotes and an endnote.
const d = doc(
  p('OP1. Recalls decision 2/CMA.3', fn('Decision 2/CMA.3, annex <b>.'), ' ', em('[Option A:')),
  p('OP2. ', br('Takes note', fn('Second footnote.')), fn('An endnote.', 'endnote'), ' ', pos('-ISR')),
  p('OP3. End of the option.] (+IND)')
)

describe('HTML export', () => {
  const html = exportHtml(d, META)

  it('numbers footnotes (1, 2) and endnotes (i) where they are referred to, with their text at the end, escaped', () => {
    expect(html).toContain('<sup class="fn"><a id="fn-1-ref" href="#fn-1" title="Decision 2/CMA.3, annex &lt;b&gt;.">1</a></sup>')
    expect(html).toContain('<a id="fn-2-ref" href="#fn-2" title="Second footnote.">2</a>')
    expect(html).toContain('<a id="en-1-ref" href="#en-1" title="An endnote.">i</a>')
    expect(html).toMatch(/<h2>Footnotes<\/h2><ol><li id="fn-1">Decision 2\/CMA\.3, annex &lt;b&gt;\. <a href="#fn-1-ref">↩<\/a><\/li><li id="fn-2">Second footnote\./)
    expect(html).toMatch(/<h2>Endnotes<\/h2><ol type="i"><li id="en-1">An endnote\./)
    expect(html).not.toContain('<b>.')
  })

  it('draws a bracket over several paragraphs as one: its [ and ] marked as the same bracket, the paragraphs inside barred', () => {
    expect(html).toContain('<span class="edge" title="opens a bracket over paragraphs" data-bracket="1">[</span>')
    expect(html).toContain('<span class="edge" title="closes a bracket over paragraphs" data-bracket="1">]</span>')
    expect((html.match(/class="para spanned"/g) ?? []).length).toBe(3)
  })

  it('shows the draft\'s header lines above the title', () => {
    expect(html).toMatch(/<header><p class="source-header">SBSTA 61 – agenda item 13\(a\)<\/p><p class="source-header">Version 14\/11\/2024 13:00<\/p><h1>/)
  })
})

describe('DOCX export', () => {
  it('writes the [ and ] of a bracket over several paragraphs in the bracket colour, keeps the header as a Word header, and reads both back', async () => {
    const bytes = await exportDocx(d, META)
    const parts = zipParts(bytes)
    const runs = paragraphRuns(parts['word/document.xml']).flat()
    const open = runs.find((r) => r.text === '[' && r.italic)
    const close = runs.find((r) => r.text === ']' && r.style === null)
    expect(open?.color).toBe('AA0000')
    expect(close?.color).toBe('AA0000')
    const headerPart = Object.entries(parts).find(([k]) => /^word\/header\d*\.xml$/.test(k))
    expect(headerPart?.[1]).toContain('Version 14/11/2024 13:00')
    const back = await previewImport(bytes, 'x.docx')
    if (!back.ok) throw new Error(back.message)
    expect(back.metadata?.version).toBe('Version 14/11/2024 13:00')
    expect(back.metadata?.header).toEqual(META.header)
    expect(back.text).toBe(serializePodium(d))
  })
})
