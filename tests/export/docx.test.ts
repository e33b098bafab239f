import { describe, expect, it } from 'vitest'
import { XMLValidator } from 'fast-xml-parser'
import fc from 'fast-check'
import type { Node } from 'prosemirror-model'
import { analyse } from '../../shared/analysis/index.ts'
import { normalisePodiumText, parsePodium, serializePodium } from '../../shared/format/index.ts'
import { DEFAULT_ROSTER } from '../../shared/roster.ts'
import { DOCX_STYLES, exportDocx } from '../../server/export/index.ts'
import { previewImport } from '../../server/import/index.ts'
import { br, del, doc, em, fn, h, note, p, pl, pos, strong, withoutIds } from '../helpers/builders.ts'
import { podiumDoc } from '../helpers/arbitraries.ts'
import { ASTANA, SEED } from '../helpers/seed.ts'
import { paragraphRuns, plainBlocks, zipParts } from './helpers.ts'

const META = { title: 'Draft Astana Statement on CICA Transformation', label: 'Podium version as of COB, 4 October 2022', hash: '3f2a9c01d4e5' }
const colour = (code: string) => DEFAULT_ROSTER.find((r) => r.code === code)!.colour.slice(1).toUpperCase()

async function roundTrip(d: Node): Promise<Node> {
  const r = await previewImport(await exportDocx(d, META), 'x.docx')
  if (!r.ok) throw new Error(r.message)
  return r.doc
}

describe('DOCX export of the Astana Statement', async () => {
  const astana = parsePodium(ASTANA).doc
  const bytes = await exportDocx(astana, META)
  const parts = zipParts(bytes)
  const runs = paragraphRuns(parts['word/document.xml'])

  it('is an OOXML package whose XML parts are all well-formed', () => {
    expect(bytes.subarray(0, 4)).toEqual(Buffer.from('PK\x03\x04', 'latin1'))
    for (const part of ['[Content_Types].xml', '_rels/.rels', 'word/document.xml', 'word/styles.xml', 'word/_rels/document.xml.rels']) {
      expect(parts[part], part).toBeDefined()
    }
    for (const [name, xml] of Object.entries(parts)) if (/\.(xml|rels)$/.test(name)) expect(XMLValidator.validate(xml), name).toBe(true)
    expect(parts['[Content_Types].xml']).toContain('wordprocessingml.document.main+xml')
    // Every style a paragraph or run names is defined in styles.xml.
    for (const id of new Set([...parts['word/document.xml'].matchAll(/<w:(?:p|r)Style w:val="([^"]+)"/g)].map((m) => m[1]))) {
      expect(parts['word/styles.xml'], id).toContain(`w:styleId="${id}"`)
    }
  })

  it('starts with the title and the "as of" line, then one paragraph per block with its text', () => {
    const texts = runs.map((rs) => rs.map((r) => r.text).join(''))
    expect(texts[0]).toBe(META.title)
    expect(texts[1]).toBe(META.label)
    expect(texts.slice(2)).toEqual(plainBlocks(astana))
    expect(texts[2 + 8]).toMatch(/^PP4\. Remaining convinced/)
  })

  it('writes brackets as bold runs of their own, as many as the analysis counts', () => {
    const all = runs.flat()
    const brackets = all.filter((r) => r.style === DOCX_STYLES.bracket)
    const { totals } = analyse(astana)
    expect(totals.brackets).toBe(9)
    expect(brackets.filter((r) => r.text === '[')).toHaveLength(totals.brackets)
    expect(brackets.filter((r) => r.text === ']')).toHaveLength(totals.brackets)
    expect(parts['word/styles.xml']).toMatch(new RegExp(`w:styleId="${DOCX_STYLES.bracket}"[\\s\\S]*?<w:b/>`))
  })

  it('strikes exactly the proposed deletions and keeps emphasis (the whole seed)', async () => {
    const seed = parsePodium(SEED).doc
    const all = paragraphRuns(zipParts(await exportDocx(seed, META))['word/document.xml']).flat()
    const struck: string[] = []
    const emphasised: string[] = []
    seed.descendants((n) => {
      if (n.isText && n.marks.some((m) => m.type.name === 'deletion')) struck.push(n.text!)
      if (n.isText && n.marks.some((m) => m.type.name === 'emphasis')) emphasised.push(n.text!)
      return true
    })
    expect(struck).toContain('in accordance with')
    expect(all.filter((r) => r.strike).map((r) => r.text).join('|')).toBe(struck.join('|'))
    expect(all.filter((r) => r.italic).map((r) => r.text).join('')).toBe(emphasised.join(''))
    expect(emphasised).toContain('in order to')
  })

  it('colours positions and notes in the delegation\'s roster colour', () => {
    const all = runs.flat()
    const positions = all.filter((r) => r.style === DOCX_STYLES.position || r.style === DOCX_STYLES.positionOppose)
    expect(positions).toHaveLength(analyse(astana).totals.positions)
    for (const r of positions) {
      const code = /^\([+-]([A-Z0-9]+)/.exec(r.text)![1]
      expect(r.color, r.text).toBe(colour(code))
      expect(r.style).toBe(r.text[1] === '-' ? DOCX_STYLES.positionOppose : DOCX_STYLES.position)
    }
    const notes = all.filter((r) => r.style === DOCX_STYLES.note)
    expect(notes.map((r) => r.text)).toContain('(VIE: with PP5c)')
    expect(notes.find((r) => r.text === '(VIE: with PP5c)')!.color).toBe(colour('VIE'))
  })

  it('is A4 with the label, the hash and page numbers in the footer', () => {
    expect(parts['word/document.xml']).toMatch(/<w:pgSz w:w="11906" w:h="16838"/)
    const footer = Object.entries(parts).find(([k]) => /^word\/footer\d*\.xml$/.test(k))![1]
    expect(footer).toContain(META.label)
    expect(footer).toContain(META.hash)
    expect(footer).toMatch(/PAGE/)
    expect(footer).toMatch(/NUMPAGES/)
  })

  it('escapes markup in the text', async () => {
    const parts2 = zipParts(await exportDocx(doc(p('PP1. a < b > & "c" ', br('x'), ' ', pos('-IND'))), { title: 'T & <U>' }))
    expect(XMLValidator.validate(parts2['word/document.xml'])).toBe(true)
    expect(paragraphRuns(parts2['word/document.xml']).map((rs) => rs.map((r) => r.text).join(''))).toEqual(['T & <U>', expect.stringMatching(/^Text as of /), 'PP1. a < b > & "c" [x] (-IND)'])
  })

  it('refuses meta without a title', async () => {
    await expect(exportDocx(doc(p('x')), {} as never)).rejects.toThrow(RangeError)
  })
})

describe('DOCX → import → podium text', () => {
  it('gives the Astana Statement back exactly', async () => {
    const back = await roundTrip(parsePodium(ASTANA).doc)
    expect(serializePodium(back)).toBe(normalisePodiumText(ASTANA))
  })

  it('gives the whole seed back exactly (three languages, 200 blocks, its stray "]" with its warning)', async () => {
    const r = await previewImport(await exportDocx(parsePodium(SEED).doc, META), 'seed.docx')
    if (!r.ok) throw new Error(r.message)
    expect(serializePodium(r.doc)).toBe(normalisePodiumText(SEED))
    expect(r.title).toBe(META.title)
    // Grouped: one warning for every unmatched bracket, with the first Word paragraphs.
    expect(r.warnings).toEqual([expect.objectContaining({ message: expect.stringMatching(/^1 unmatched "\[" or "\]" kept as text \(first in Word paragraph \d+\)$/), paragraph: expect.any(Number) })])
  })

  it('keeps marks inside and around brackets, line breaks, headings and notes', async () => {
    const d = doc(
      h('DRAFT STATEMENT'),
      h('A quiet title'),
      p('PP1. ', strong('bold ', em('both')), ' and ', em('it'), ' ', br(del('in accordance with')), ' ', pos('-ISR'), ' ', note('IND, TUR', 'depends on PP5b')),
      pl('1. first line'),
      p('OP2. ', del(br('gone ', br('deep'), ' x')), ' ', pos('+IRAN', 'with reservation'), ' ', br(strong('b'), '\nline two'), ' ', note('CHN, THA', 'original text', 'plain'))
    )
    const back = await roundTrip(d)
    expect(withoutIds(back)).toEqual(withoutIds(d))
  })

  it('writes footnotes and endnotes as real Word notes (reference where the node is, text in the notes part) and reads them back', async () => {
    const d = doc(
      p('OP1. Recalls decision 2/CMA.3', fn('Decision 2/CMA.3, annex, para. 18(g) [as amended].'), ' and ', strong('its annex', fn('See *also* FCCC/TP/2023/1.')), '.'),
      p('OP2. ', br('Takes note', fn('A note in a bracket.', 'endnote')), ' ', pos('-ISR'))
    )
    const bytes = await exportDocx(d, META)
    const parts = zipParts(bytes)
    expect((parts['word/document.xml'].match(/<w:footnoteReference /g) ?? []).length).toBe(2)
    expect((parts['word/document.xml'].match(/<w:endnoteReference /g) ?? []).length).toBe(1)
    expect(parts['word/footnotes.xml']).toContain('Decision 2/CMA.3, annex, para. 18(g) [as amended].')
    expect(parts['word/footnotes.xml']).toContain('See *also* FCCC/TP/2023/1.')
    expect(parts['word/endnotes.xml']).toContain('A note in a bracket.')
    const back = await roundTrip(d)
    expect(withoutIds(back)).toEqual(withoutIds(d))
  })

  it('round-trips random documents (marks on a bracket not repeated inside it)', async () => {
    // A bracket's marks show on its whole content in Word, so a mark both on a bracket and on its
    // content reads back once (on the bracket): the one shape this cannot carry.
    const noRepeat = (n: Node, outer: Set<string> = new Set()): boolean => {
      let ok = true
      n.forEach((c) => {
        const own = c.marks.map((m) => m.type.name)
        if (own.some((m) => outer.has(m))) ok = false
        if (c.type.name === 'bracket' && !noRepeat(c, new Set([...outer, ...own]))) ok = false
      })
      return ok
    }
    await fc.assert(fc.asyncProperty(podiumDoc.filter((d) => { let ok = true; d.forEach((b) => { if (!noRepeat(b)) ok = false }); return ok }), async (d) => {
      expect(serializePodium(await roundTrip(d))).toBe(serializePodium(d))
    }), { numRuns: 40 })
  })
})
