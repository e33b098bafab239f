import { describe, expect, it } from 'vitest'
import { parsePodium, serializePodium } from '../../shared/format/index.ts'
import { counterIds } from '../../shared/ids.ts'
import { br, del, doc, em, fn, h, note, p, pl, pos, strong, withoutIds } from '../helpers/builders.ts'

const read = (text: string, roster?: { code: string; name: string; colour: string }[]) =>
  parsePodium(text, { roster, ids: counterIds() })

describe('parsePodium', () => {
  it('reads nested brackets with their positions (PP4)', () => {
    const text = 'PP4. Remaining convinced (+IRAN) [, promoting [, and contributing] (-ISR);] (-IND) (+CHN)'
    expect(withoutIds(read(text).doc)).toEqual(withoutIds(doc(p(
      'PP4. Remaining convinced ', pos('+IRAN'), ' ',
      br(', promoting ', br(', and contributing'), ' ', pos('-ISR'), ';'), ' ', pos('-IND'), ' ', pos('+CHN')
    ))))
  })

  it('reads qualifiers and both forms of note', () => {
    const text = 'x] (+IRAN with reservation), (-ISR) (IND, TUR: depends on PP5b) (CHN, THA, IRAN original text)'
    const { doc: d } = read(text)
    expect(withoutIds(d)).toEqual(withoutIds(doc(p(
      'x] ', pos('+IRAN', 'with reservation'), ', ', pos('-ISR'), ' ',
      note('IND, TUR', 'depends on PP5b'), ' ', note('CHN, THA, IRAN', 'original text', 'plain')
    ))))
  })

  it('keeps ordinary parentheses as text', () => {
    const text = 'Shanghai Cooperation Organization (SCO), (OICA);\n\n(1) The Summit (Summit) and (UNGCTS) (I) Objectives'
    const { doc: d } = read(text)
    let atoms = 0
    d.descendants((n) => { if (n.isAtom && !n.isText) atoms++ })
    expect(atoms).toBe(0)
    expect(serializePodium(d)).toBe(text + '\n')
  })

  it('recognises a note only when all its codes are delegations', () => {
    const roster = [{ code: 'IND', name: 'India', colour: '#e07000' }]
    const notes = (text: string) => {
      let n = 0
      read(text, roster).doc.descendants((node) => { if (node.type.name === 'note') n++ })
      return n
    }
    expect(notes('a (IND: keep original)')).toBe(1)
    expect(notes('a (IND, XYZ: keep original)')).toBe(0)
    // XYZ becomes a delegation by taking a position anywhere in the same text.
    expect(notes('a (IND, XYZ: keep original)\n\nb [c] (+XYZ)')).toBe(1)
    expect(notes('a (SCO) and (UN documents)')).toBe(0)
  })

  it('reads emphasis, strong and proposed deletion, also inside brackets', () => {
    const { doc: d } = read('and *in order to* set **Title** [~~in accordance with~~] (-ISR)')
    expect(withoutIds(d)).toEqual(withoutIds(doc(p(
      'and ', em('in order to'), ' set ', strong('Title'), ' ', br(del('in accordance with')), ' ', pos('-ISR')
    ))))
  })

  it('splits a block into paragraphs at line breaks, but not inside a bold title', () => {
    const { doc: d } = read('**SECRETARIAT OF THE CONFERENCE\nIN ASIA**\n\n1. First item.\n2. Second [item] (+IND).')
    expect(withoutIds(d)).toEqual(withoutIds(doc(
      h(strong('SECRETARIAT OF THE CONFERENCE\nIN ASIA')),
      p('1. First item.'),
      pl('2. Second ', br('item'), ' ', pos('+IND'), '.')
    )))
  })

  it('keeps unmatched brackets as text and reports each with line and column', () => {
    const text = 'PP1. fine [ok] (+IND)\n\nPP2. open [never closed\nand ] (-ISR) stray ]'
    const { doc: d, warnings } = read(text)
    expect(serializePodium(d)).toBe(text + '\n')
    expect(warnings).toEqual([
      { line: 4, column: 20, message: 'unmatched "]" kept as text' }
    ])
    const { warnings: w2 } = read('a [b\n\nc')
    expect(w2).toEqual([{ line: 1, column: 3, message: 'unmatched "[" kept as text' }])
  })

  it('reports columns in the original text, after trimmed leading white space', () => {
    const { warnings } = read('\n\n   x ] y')
    expect(warnings).toEqual([{ line: 3, column: 6, message: 'unmatched "]" kept as text' }])
  })

  it('never throws and falls back to text when delimiters are ambiguous', () => {
    const text = '*~~a~~* and ~~*b*~~'
    const { doc: d, warnings } = read(text)
    expect(serializePodium(d)).toBe(text + '\n')
    expect(warnings.length).toBeLessThanOrEqual(1)
  })

  it('writes headings that do not look like headings with a "# " prefix, and reads them back', () => {
    const d = doc(h('Preamble'), p('PP1. text'))
    const text = serializePodium(d)
    expect(text).toBe('# Preamble\n\nPP1. text\n')
    expect(withoutIds(read(text).doc)).toEqual(withoutIds(d))
  })

  it('takes another roster', () => {
    const roster = [{ code: 'USA', name: 'United States', colour: '#003366' }]
    let n = 0
    read('x (USA: agree)', roster).doc.descendants((node) => { if (node.type.name === 'note') n++ })
    expect(n).toBe(1)
    n = 0
    read('x (IND: agree)', roster).doc.descendants((node) => { if (node.type.name === 'note') n++ })
    expect(n).toBe(0)
  })

  it('keeps brackets nested beyond 64 levels as text, without overflowing the stack', () => {
    const text = '['.repeat(10_000) + 'x' + ']'.repeat(10_000)
    const { doc: d, warnings } = read(text)
    expect(serializePodium(d)).toBe(text + '\n')
    expect(warnings).toEqual([{ line: 1, column: 65, message: 'brackets nested deeper than 64 levels kept as text' }])
    let depth = 0
    d.descendants((n) => { if (n.type.name === 'bracket') depth++ })
    expect(depth).toBe(64)
  })

  it('rejects a non-string with a RangeError', () => {
    expect(() => parsePodium(42 as never)).toThrow(RangeError)
  })

  it('gives an empty text one empty paragraph', () => {
    const { doc: d } = read('  \n\n ')
    expect(d.childCount).toBe(1)
    expect(serializePodium(d)).toBe('\n')
  })

  it('reads footnotes and endnotes where they stand, their text kept whole (brackets, marks and notes in it are text)', () => {
    const text = 'Recalls decision 2/CMA.3{{footnote: Decision 2/CMA.3, annex [see *(IND: x)*].}} and [its annex]{{endnote: As amended}}.{{footnote:}}'
    const { doc: d, warnings } = read(text)
    expect(warnings).toEqual([])
    expect(withoutIds(d)).toEqual(withoutIds(doc(p(
      'Recalls decision 2/CMA.3', fn('Decision 2/CMA.3, annex [see *(IND: x)*].'), ' and ', br('its annex'), fn('As amended', 'endnote'), '.', fn('')
    ))))
    expect(serializePodium(d)).toBe(text + '\n')
  })

  it('keeps as text what only looks like a footnote (spaces at its ends, a line break, no end)', () => {
    for (const text of ['a {{footnote:  x}} b', 'a {{footnote: x }} b', 'a {{footnote:x}} b', 'a {{footnote: x', 'a {{Footnote: x}}', '*a {{footnote: }} b*']) {
      const { doc: d } = read(text)
      let footnotes = 0
      d.descendants((n) => { if (n.type.name === 'footnote') footnotes++ })
      expect(footnotes, text).toBe(0)
      expect(serializePodium(d), text).toBe(text + '\n')
    }
    // The text runs to the first "}}": a third brace is text after the footnote.
    const { doc: d } = read('a{{footnote: x}}}')
    expect(withoutIds(d)).toEqual(withoutIds(doc(p('a', fn('x'), '}'))))
  })
})
