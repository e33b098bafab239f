import { describe, expect, it } from 'vitest'
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { zipSync, strToU8, unzipSync } from 'fflate'
import type { Node } from 'prosemirror-model'
import { previewImport, type ImportPreview } from '../../server/import/index.ts'
import { readZip } from '../../server/import/zip.ts'
import { parseXml } from '../../server/import/xml.ts'
import { exportDocument } from '../../server/export/index.ts'
import { analyse } from '../../shared/analysis/index.ts'
import type { RosterEntry } from '../../shared/roster.ts'

// The three real drafts of ../shared/fixtures/real-drafts (see its README): numbers, comments,
// tracked changes, footnotes and endnotes, brackets over several paragraphs, no asterisk added.

const DIR = resolve(import.meta.dirname, '../../../shared/fixtures/real-drafts')
const FILES = {
  sbsta: 'unfccc_art62_sbsta_dd_1st_iteration.docx',
  cma: 'unfccc_art62_cma_party_inputs.docx',
  gpp: '3gpp_S2-1812372_evaluation.docx'
}
const missing = Object.values(FILES).filter((f) => !existsSync(resolve(DIR, f)))
if (missing.length && process.env.CI) throw new Error(`the real-draft fixtures are missing from ${DIR}: ${missing.join(', ')} (they live in the shared fixtures folder next to the repository)`)
if (missing.length) console.warn(`skipping real-draft tests: ${missing.join(', ')} not found in ${DIR}`)

const bytes = (f: string) => new Uint8Array(readFileSync(resolve(DIR, f)))

// A roster for the UNFCCC drafts: Parties and groups that speak in the CMA draft's comments.
const UNFCCC: RosterEntry[] = [
  ['NOR', 'Norway'], ['USA', 'United States'], ['LMDC', 'Like-Minded Developing Countries'], ['PAK', 'Pakistan'], ['CAN', 'Canada'],
  ['AOSIS', 'Alliance of Small Island States'], ['IND', 'India'], ['EU', 'European Union'], ['RUS', 'Russian Federation'], ['CHN', 'China'],
  ['JPN', 'Japan'], ['TUR', 'Türkiye'], ['MAR', 'Morocco'], ['SUR', 'Suriname'], ['KOR', 'Republic of Korea'], ['CHE', 'Switzerland'],
  ['UK', 'United Kingdom'], ['AUS', 'Australia'], ['NZL', 'New Zealand'], ['BRA', 'Brazil'], ['AGN', 'African Group of Negotiators'], ['ARABGROUP', 'Arab Group'],
  ['CFRN', 'Coalition for Rainforest Nations'], ['AILAC', 'AILAC'], ['SGP', 'Singapore'], ['GRUPOSUR', 'Grupo Sur']
].map(([code, name]) => ({ code, name, colour: '#555555' }))

// Every character of a Word part's text runs (w:t), in document order.
function wordText(docx: Uint8Array, parts: RegExp): string {
  const { files } = readZip(docx, (n) => parts.test(n))
  let out = ''
  for (const [, b] of files) {
    const xml = new TextDecoder().decode(b)
    for (const m of xml.matchAll(/<w:(?:t|delText)(?: [^>]*)?>([^<]*)<\/w:(?:t|delText)>/g)) out += m[1]
  }
  return out
}

// The imported text as Word's characters: text nodes and the text of footnotes and endnotes.
function docText(doc: Node): string {
  let out = ''
  doc.descendants((n) => { if (n.isText) out += n.text; else if (n.type.name === 'footnote') out += n.attrs.text; return true })
  return out
}

async function read(file: string, roster?: RosterEntry[], tracked?: 'keep' | 'accept'): Promise<ImportPreview> {
  const p = await previewImport(bytes(file), file, { roster, tracked })
  if (!p.ok) throw new Error(p.message)
  return p
}

describe.skipIf(missing.length > 0)('real Word drafts', () => {
  it('SBSTA: paragraph numbers as Word shows them (I., 1., (a), (i)), restarts included', async () => {
    const p = await read(FILES.sbsta)
    const a = analyse(p.doc)
    const labels = a.paragraphs.map((x) => x.label).filter(Boolean)
    expect(p.summary.word!.numbered).toBeGreaterThanOrEqual(400)
    expect(p.warnings.filter((w) => /numbering/i.test(w.message))).toHaveLength(1)
    const texts = a.paragraphs.map((x) => p.doc.child(a.paragraphs.indexOf(x)).textContent)
    const starting = (prefix: string) => texts.filter((t) => t.startsWith(prefix))
    // Spot checks: chapter numbers, paragraph numbers, letters and roman numerals.
    expect(starting('I. ').length).toBeGreaterThan(0)
    expect(starting('II. ').length).toBeGreaterThan(0)
    for (const n of ['1. ', '2. ', '3. ', '10. ', '20. ']) expect(starting(n).length, n).toBeGreaterThan(0)
    for (const l of ['(a) ', '(b) ', '(c) ', '(i) ', '(ii) ', '(iii) ']) expect(starting(l).length, l).toBeGreaterThan(0)
    expect(texts.find((t) => t.startsWith('1. '))).toMatch(/^1\. \*?Decides|^1\. .*cooperative approach/)
    expect(texts.find((t) => t.startsWith('2. '))).toMatch(/^2\. Recalls Article 6, paragraph 1/)
    // Numbers run on in order: the main numbers seen are 1, 2, 3 … with no gap at the start.
    const mains = labels.filter((l) => /^\d+\.$/.test(l!)).map((l) => Number(l!.slice(0, -1)))
    expect(mains.slice(0, 10)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    // Sub-items take their parent: 2(a), 2(b).
    expect(a.paragraphs.some((x) => x.ref === '2(a)')).toBe(true)
    expect(a.paragraphs.some((x) => x.ref === '2(b)')).toBe(true)
  })

  it('SBSTA: 30 labels as Word shows them (LibreOffice → PDF → pdftotext, read once by hand), restarts of a list with overrides included', async () => {
    // Label and first words of the paragraph in the rendered PDF (brackets left out).
    const rendered: [string, string][] = [["I.","Scope and definition of"],["(d)","How the method for"],["(c)","How reversals are monitored"],["(i)","A description of how"],["15.","Decides that any participating"],["(c)","Date and duration of"],["(p)","Identification of the authorizing"],["(d)","A specification of the"],["(d)","Information on how participation"],["31.","Decides that any changes"],["44.","Clarifies that, as per"],["(b)","The first transfer of"],["58.","Further decides that, where"],["(ii)","Change to authorization;"],["(iii)","Cancellation to compensate for"],["(viii)","Voluntary cancellation to deliver"],["(iii)","Checks performed on the"],["91.","Recalls that, pursuant to"],["(b)","“Persistent inconsistencies”, for the"],["107.","Decides that the duration"],["(c)","“Review finalized with inconsistencies”,"],["113.","Decides internationally transferred mitigation"],["(b)","How to address identified"],["(d)","Inconsistency between at least"],["(c)","A Party or authorised"],["141.","Decides that participating Party"],["(d)","Transfer;"],["157.","Requests the Subsidiary Body"],["IV.","Application of first transfer"],["VII.","Sequencing and timing of"]]
    const p = await read(FILES.sbsta)
    const starts: string[] = []
    p.doc.forEach((b) => starts.push(b.textContent.replace(/[[\]]/g, '').replace(/\s+/g, ' ')))
    for (const [label, words] of rendered) expect(starts.some((t) => t.startsWith(`${label} ${words}`)), `${label} ${words}`).toBe(true)
  })

  it('SBSTA: the draft\'s own cross-references ("paragraph 87 above") name the paragraphs that say so, and sub-items take their letter', async () => {
    // Label, first words of the paragraph referred to, from the references in the draft's own text (14 of them).
    const referred: [string, string][] = [['13.', 'Decides that each participating Party shall provide cross-referencing'], ['14.', 'Decides that each participating Party shall provide the following'],
      ['19.', 'Notes that pursuant to decision 2/CMA.3'], ['20.', 'Also notes that the participating Party arrangements'], ['24.', 'Decides that each participating Parties'],
      ['28.', 'Encourages each participating Party to include'], ['32.', 'Decides that any changes'], ['46.', 'Recalls decision 2/CMA.3, annex, paragraph 2'],
      ['51.', 'Decides that the first transfer'], ['66.', 'Adopts the tables'], ['87.', 'Decides that ITMOs identified as inconsistent'],
      ['96.', 'Also recalls that the technical analysis'], ['134.', 'Resolves to continue consideration'], ['160.', 'Invites Parties and observers']]
    const p = await read(FILES.sbsta)
    const starts: string[] = []
    // Brackets are nodes: their [ ] are not in the text content, as in the rendered PDF read above.
    p.doc.forEach((b) => starts.push(b.textContent.replace(/[[\]]/g, '').replace(/\s+/g, ' ')))
    for (const [label, words] of referred) expect(starts.some((t) => t.startsWith(`${label} ${words}`)), `${label} ${words}`).toBe(true)
    // "(c)" after "(b)" is the letter c, not the roman hundred under (b).
    const refs = analyse(p.doc).paragraphs.map((x) => x.ref)
    expect(refs).toContain('6(c)')
    expect(refs).not.toContain('6(b)(c)')
    expect(refs).toContain('14(l)')
  })

  it('SBSTA: brackets over several paragraphs are one bracket, and the paragraphs inside are open', async () => {
    const p = await read(FILES.sbsta)
    const a = analyse(p.doc)
    const spanning = a.paragraphs.flatMap((x) => x.brackets).filter((b) => b.spans)
    expect(spanning.length).toBeGreaterThan(5)
    for (const b of spanning) {
      for (let i = b.spans!.fromBlock; i <= b.spans!.toBlock; i++) expect(a.paragraphs[i].status).toBe('open')
    }
    expect(p.warnings.some((w) => /span several paragraphs/.test(w.message))).toBe(true)
    // Not one warning per end, nor per paragraph.
    expect(p.warnings.length).toBeLessThan(15)
  })

  it('SBSTA: footnotes and endnotes kept where they are referred to, with their text, and kept through DOCX → import → DOCX', async () => {
    const p = await read(FILES.sbsta)
    expect(p.summary.word!.footnotes).toBe(14)
    expect(p.summary.word!.endnotes).toBeGreaterThanOrEqual(10)
    const notes: { kind: string; text: string; block: string }[] = []
    p.doc.forEach((b) => b.descendants((n) => { if (n.type.name === 'footnote') notes.push({ kind: n.attrs.kind, text: n.attrs.text, block: b.textContent }) }))
    expect(notes.filter((n) => n.kind === 'footnote')).toHaveLength(14)
    expect(notes.filter((n) => n.kind === 'endnote').length).toBeGreaterThanOrEqual(10)
    // The first footnote is at its reference (the paragraph recalling decision 2/CMA.3), with its text.
    expect(notes[0].text).toBe('Decision 2/CMA.3, paras. 14–15.')
    expect(p.text).toContain('{{footnote: Decision 2/CMA.3, paras. 14–15.}}')
    expect(p.text).not.toMatch(/# Footnotes|⁽¹⁾/)
    // DOCX → import → DOCX: real Word notes, read back the same.
    const made = await exportDocument(p.doc, 'docx', { title: p.title ?? 'x' })
    if (!made.ok) throw new Error(made.message)
    const { files } = readZip(new Uint8Array(made.body as Buffer), (n) => /^word\/(document|footnotes|endnotes)\.xml$/.test(n))
    const xml = (n: string) => new TextDecoder().decode(files.get(n)!)
    expect((xml('word/document.xml').match(/<w:footnoteReference /g) ?? []).length).toBe(14)
    expect(xml('word/footnotes.xml')).toContain('Decision 2/CMA.3, paras. 14–15.')
    const again = await previewImport(new Uint8Array(made.body as Buffer), 'again.docx')
    if (!again.ok) throw new Error(again.message)
    expect(again.summary.word!.footnotes).toBe(14)
    expect(again.text).toBe(p.text)
  }, 30_000)

  it('SBSTA: the title from the core properties, the version line from the header', async () => {
    const p = await read(FILES.sbsta)
    expect(p.title).toMatch(/^Guidance on cooperative approaches/)
    expect(p.metadata!.version).toBe('Version 14/11/2024 13:00')
  })

  it('no asterisk is added: every "*" of the imported text was in the Word text', async () => {
    for (const f of Object.values(FILES)) {
      const p = await read(f)
      const inWord = (wordText(bytes(f), /^word\/(document|footnotes|endnotes|comments)\.xml$/).match(/\*/g) ?? []).length
      const imported = (docText(p.doc).match(/\*/g) ?? []).length
      expect(imported, f).toBe(inWord)
    }
  })

  it('CMA: 95 comments become notes with their delegations; none dropped; unknown names listed', async () => {
    const p = await read(FILES.cma, UNFCCC)
    const w = p.summary.word!
    expect(w.comments).toBe(95)
    expect(w.commentsMapped).toBeGreaterThan(50)
    const notes = analyse(p.doc).paragraphs.flatMap((x) => [...x.notes, ...x.brackets.flatMap((b) => b.notes)])
    expect(notes.length).toBeGreaterThanOrEqual(w.commentsMapped)
    expect(notes.some((n) => n.delegations.includes('NOR') && /Whole section lacks clarity/.test(n.text))).toBe(true)
    expect(notes.some((n) => n.delegations.includes('LMDC') && /Delete whole section in its entirety/.test(n.text))).toBe(true)
    // Kept as written: every comment's words are in the text.
    expect(p.text).toContain('Missing mandatory cross-referencing to underlying documentation')
    expect(p.warnings.find((x) => /95 comments became notes/.test(x.message))?.message).toMatch(/\d+ mapped to delegations, \d+ kept as written/)
  })

  it('CMA and 3GPP: tracked changes counted and kept as proposals, or accepted', async () => {
    const kept = await read(FILES.cma, UNFCCC)
    expect(kept.summary.word!.insertions).toBeGreaterThanOrEqual(26)
    expect(kept.summary.word!.deletions).toBeGreaterThanOrEqual(25)
    expect(kept.text).toMatch(/~~[^~]+~~/)
    const accepted = await read(FILES.cma, UNFCCC, 'accept')
    expect(accepted.summary.brackets).toBeLessThan(kept.summary.brackets)
    expect(accepted.text.match(/~~/g)?.length ?? 0).toBeLessThan(kept.text.match(/~~/g)!.length)
    const gpp = await read(FILES.gpp)
    expect(gpp.summary.word!.insertions).toBeGreaterThan(5)
    expect(gpp.summary.word!.deletions).toBeGreaterThanOrEqual(2)
    expect(gpp.text).toContain("~~Editor's note:")
    const gppAccepted = await read(FILES.gpp, undefined, 'accept')
    expect(gppAccepted.text).not.toContain("Editor's note: This clause provides an evaluation")
    expect(gppAccepted.summary.brackets).toBe(0)
  })

  it('tables: one paragraph per row with the cells in order, never headings', async () => {
    const p = await read(FILES.sbsta)
    expect(p.summary.word!.tables).toBe(18)
    expect(p.summary.headings).toBeLessThan(10)
    expect(p.text).toContain(' | ')
  })
})

describe('bounded reading of zips and XML (hostile files made here, not committed)', () => {
  const docx = (documentXml: string, extra: Record<string, Uint8Array> = {}) => zipSync({
    '[Content_Types].xml': strToU8('<Types/>'),
    'word/document.xml': strToU8(documentXml),
    ...extra
  })
  const body = (inner: string) => `<w:document xmlns:w="x"><w:body>${inner}</w:body></w:document>`

  it('a part that inflates beyond the bound is refused as too large, counted on the bytes', async () => {
    // 300 MB of zeros in a styles.xml part: a few hundred KB compressed.
    const bomb = zipSync({ 'word/document.xml': strToU8(body('<w:p><w:r><w:t>x</w:t></w:r></w:p>')), 'word/styles.xml': new Uint8Array(120 * 1024 * 1024) }, { level: 9 })
    expect(bomb.length).toBeLessThan(1024 * 1024)
    const p = await previewImport(bomb, 'bomb.docx')
    expect(p.ok).toBe(false)
    if (!p.ok) { expect(p.code).toBe('too-large'); expect(p.message).toMatch(/styles\.xml unpacks to more than/) }
  }, 30_000)

  it('a header that lies about the size changes nothing: the bound is on the inflated bytes', async () => {
    const z = docx(body('<w:p><w:r><w:t>' + 'a'.repeat(5000) + '</w:t></w:r></w:p>'))
    const limits = { entryBytes: 1000, totalBytes: 10_000, entries: 100, ms: 10_000 }
    const { readDocx } = await import('../../server/import/docx.ts')
    const r = readDocx(z, 'lie.docx', { limits })
    expect(r.ok).toBe(false)
    // And too many entries.
    const many: Record<string, Uint8Array> = {}
    for (let i = 0; i < 150; i++) many[`x/${i}.txt`] = strToU8('x')
    const r2 = readDocx(docx(body('<w:p/>'), many), 'many.docx', { limits })
    expect(r2.ok).toBe(false)
    if (!r2.ok) expect(r2.message).toMatch(/more than 100 entries/)
  })

  it('every XML part is parsed under the same bounds: deep nesting in numbering.xml is refused, not a crash', async () => {
    const deep = '<w:numbering xmlns:w="x">' + '<a>'.repeat(5000) + '</a>'.repeat(5000) + '</w:numbering>'
    const p = await previewImport(docx(body('<w:p><w:r><w:t>x</w:t></w:r></w:p>'), { 'word/numbering.xml': strToU8(deep) }), 'deep.docx')
    expect(p.ok).toBe(false)
    if (!p.ok) { expect(p.code).toBe('unreadable'); expect(p.message).toMatch(/numbering\.xml.*deeper than/) }
    const dtd = '<!DOCTYPE x [<!ENTITY a "aaaa">]><w:comments/>'
    const q = await previewImport(docx(body('<w:p/>'), { 'word/comments.xml': strToU8(dtd) }), 'dtd.docx')
    expect(q.ok).toBe(false)
  })

  it('reads parts back as they were written', () => {
    const z = docx(body('<w:p><w:r><w:t>hello &amp; goodbye</w:t></w:r></w:p>'))
    const { files } = readZip(z, () => true)
    expect(unzipSync(z)['word/document.xml']).toEqual(files.get('word/document.xml'))
    expect(parseXml(new TextDecoder().decode(files.get('word/document.xml')!), 'document.xml').name).toBe('w:document')
  })

  it('.doc, .rtf and .odt get a message naming the format and what to do', async () => {
    const doc = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0])
    const a = await previewImport(doc, 'old.doc')
    expect(!a.ok && a.message).toMatch(/Word 97–2003 document \(\.doc\).*save it as Word Document \(\.docx\)/)
    const b = await previewImport(strToU8('{\\rtf1 hello}'), 'x.rtf')
    expect(!b.ok && b.message).toMatch(/Rich Text/)
    const odt = zipSync({ mimetype: strToU8('application/vnd.oasis.opendocument.text'), 'content.xml': strToU8('<x/>') })
    const c = await previewImport(odt, 'x.odt')
    expect(!c.ok && c.message).toMatch(/OpenDocument file \(\.odt\).*save it as Word \(\.docx\)/)
  })

  it('literal asterisks in Word text stay text, and emphasis across a bracket edge adds none', async () => {
    const xml = body('<w:p><w:r><w:t>* * * 1st Change * * *</w:t></w:r></w:p>' +
      '<w:p><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">bold [start </w:t></w:r><w:r><w:t>of] plain</w:t></w:r></w:p>')
    const p = await previewImport(docx(xml), 'stars.docx')
    if (!p.ok) throw new Error(p.message)
    expect(docText(p.doc)).toBe('* * * 1st Change * * *bold start of plain')
    const first = p.doc.child(0)
    first.descendants((n) => { expect(n.marks).toEqual([]); return true })
  })
})
