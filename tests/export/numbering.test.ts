import { describe, expect, it } from 'vitest'
import { Numbering } from '../../server/import/numbering.ts'
import { parseXml } from '../../server/import/xml.ts'
import { XML_LIMITS } from '../../server/import/limits.ts'
import { analyse } from '../../shared/analysis/index.ts'
import { parsePodium } from '../../shared/format/index.ts'

// Word's numbering as Word shows it, on hand-made numbering.xml parts.

const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
const lvl = (ilvl: number, fmt: string, text: string) => `<w:lvl w:ilvl="${ilvl}"><w:start w:val="1"/><w:numFmt w:val="${fmt}"/><w:lvlText w:val="${text}"/></w:lvl>`
const numbering = (body: string) => new Numbering(parseXml(`<w:numbering ${W}>${body}</w:numbering>`, 'numbering.xml', XML_LIMITS))

describe('Numbering', () => {
  it('a list defined by a numbering style (w:numStyleLink) takes the levels of the list that defines the style, and shares its counters', () => {
    const n = numbering(
      `<w:abstractNum w:abstractNumId="1"><w:styleLink w:val="DecisionList"/>${lvl(0, 'decimal', '%1.')}${lvl(1, 'lowerLetter', '(%2)')}${lvl(2, 'lowerRoman', '(%3)')}</w:abstractNum>` +
      '<w:abstractNum w:abstractNumId="2"><w:numStyleLink w:val="DecisionList"/></w:abstractNum>' +
      '<w:num w:numId="5"><w:abstractNumId w:val="2"/></w:num><w:num w:numId="6"><w:abstractNumId w:val="1"/></w:num>')
    expect([n.next('5', 0), n.next('5', 1), n.next('5', 1), n.next('5', 2), n.next('6', 0), n.next('5', 1)]).toEqual(['1.', '(a)', '(b)', '(i)', '2.', '(a)'])
  })

  it('a numStyleLink naming no style gives no number (no crash, no invented label)', () => {
    const n = numbering('<w:abstractNum w:abstractNumId="2"><w:numStyleLink w:val="Missing"/></w:abstractNum><w:num w:numId="5"><w:abstractNumId w:val="2"/></w:num>')
    expect(n.next('5', 0)).toBeNull()
  })
})

describe('sub-item references', () => {
  it('(c) after (b) is the letter c, (l) after (k) the letter l, (i) after (k) a roman numeral under (k)', () => {
    const text = ['6. Decides:', '(a) one;', '(b) two;', '(c) three;', '14. Decides:', '(k) kay:', '(i) first;', '(ii) second;', '(l) ell;', '(v) after l is roman'].join('\n\n')
    const refs = analyse(parsePodium(text).doc).paragraphs.map((p) => p.ref)
    expect(refs).toEqual(['6.', '6(a)', '6(b)', '6(c)', '14.', '14(k)', '14(k)(i)', '14(k)(ii)', '14(l)', '14(l)(v)'])
  })
})
