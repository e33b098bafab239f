import { describe, expect, it } from 'vitest'
import { analyse, type ParagraphInfo } from '../../shared/analysis/index.ts'
import { parsePodium } from '../../shared/format/index.ts'
import { DEFAULT_ROSTER } from '../../shared/roster.ts'
import { br, del, doc, h, note, p, pos } from '../helpers/builders.ts'
import { ASTANA } from '../helpers/seed.ts'

describe('analyse', () => {
  it('derives labels, status, brackets with depth, supporters, opponents and notes', () => {
    const d = doc(
      h('DRAFT STATEMENT'),
      p('PP1. Agreed text.'),
      p('PP4. Convinced ', pos('+IRAN'), ' <a>', br(', promoting ', br('contributing'), ' ', pos('-ISR'), ';'), ' ', pos('-IND'), ' ', pos('+CHN')),
      p('OP5. We decide:'),
      p(br('(1) The Conference'), ' ', pos('-RUS'), ' ', pos('+IRAN', 'with reservation'), ' ', note('IND', 'keep original'))
    )
    const a = analyse(d)
    expect(a.paragraphs.map((x) => [x.kind, x.label, x.ref, x.status])).toEqual([
      ['heading', null, null, 'agreed'],
      ['paragraph', 'PP1', 'PP1', 'agreed'],
      ['paragraph', 'PP4', 'PP4', 'open'],
      ['paragraph', 'OP5', 'OP5', 'agreed'],
      ['paragraph', '(1)', 'OP5(1)', 'open']
    ])
    const pp4 = a.paragraphs[2]
    expect(pp4.positions).toEqual([{ delegation: 'IRAN', stance: '+', qualifier: null }])
    expect(pp4.brackets.map((b) => [b.depth, b.text, b.supporters, b.opponents])).toEqual([
      [1, ', promoting [contributing] (-ISR);', [{ delegation: 'CHN', qualifier: null }], [{ delegation: 'IND', qualifier: null }]],
      [2, 'contributing', [], [{ delegation: 'ISR', qualifier: null }]]
    ])
    expect(pp4.brackets[0].from).toBe(d.tag.a)
    const op51 = a.paragraphs[4]
    expect(op51.brackets[0].supporters).toEqual([{ delegation: 'IRAN', qualifier: 'with reservation' }])
    expect(op51.brackets[0].notes).toEqual([{ delegations: ['IND'], text: 'keep original' }])
    expect(a.totals).toEqual({ paragraphs: 4, open: 2, agreed: 2, brackets: 3, positions: 6, notes: 1 })
    expect(a.delegations.IND.positions).toEqual([
      { delegation: 'IND', stance: '-', qualifier: null, paragraph: null, ref: 'PP4', bracket: 0 }
    ])
    expect(a.delegations.IND.notes).toHaveLength(1)
  })

  it('detaches positions once ordinary text follows the bracket', () => {
    const a = analyse(doc(p(br('x'), ' the rest ', pos('+CHAIR'), ', ', pos('+RUS'), '. ', note('CHN, THA', 'original text', 'plain'))))
    const [para] = a.paragraphs
    expect(para.brackets[0].supporters).toEqual([])
    expect(para.positions.map((x) => x.delegation)).toEqual(['CHAIR', 'RUS'])
    expect(para.notes).toEqual([{ delegations: ['CHN', 'THA'], text: 'original text' }])
  })

  it('counts a proposed deletion inside a bracket as bracketed text', () => {
    const a = analyse(doc(p('e) ', br(del('in accordance with')), ' ', pos('-ISR'))))
    expect(a.paragraphs[0].label).toBe('e)')
    expect(a.paragraphs[0].brackets[0].text).toBe('~~in accordance with~~')
    expect(a.paragraphs[0].brackets[0].opponents).toEqual([{ delegation: 'ISR', qualifier: null }])
  })

  it('lists every roster delegation when given the roster', () => {
    const a = analyse(doc(p('x')), DEFAULT_ROSTER)
    expect(Object.keys(a.delegations).sort()).toEqual(DEFAULT_ROSTER.map((r) => r.code).sort())
  })

  it('reads the Astana Statement as the negotiators left it on 4 October 2022', () => {
    const a = analyse(parsePodium(ASTANA).doc)
    const byRef: Record<string, ParagraphInfo> = Object.fromEntries(a.paragraphs.filter((x) => x.ref).map((x) => [x.ref, x]))
    expect(Object.keys(byRef)).toEqual(expect.arrayContaining(['PP1', 'PP5e', 'PP5e altern.', 'OP5(1)', 'OP7']))
    expect(a.paragraphs.filter((x) => x.status === 'open').map((x) => x.ref)).toEqual(['PP4', 'PP5a', 'PP5b', 'PP5e', 'PP5e altern.', 'OP5(1)'])
    expect(byRef.PP5b.brackets.map((b) => b.depth)).toEqual([1, 2, 2, 2])
    expect(byRef.PP5e.brackets[0].supporters).toContainEqual({ delegation: 'IRAN', qualifier: 'with reservation' })
    expect(byRef['OP5(1)'].brackets[0].opponents).toEqual([{ delegation: 'RUS', qualifier: null }])
    expect(byRef.PP5a.notes.map((n) => n.delegations)).toEqual([['VIE'], ['IND', 'TUR', 'BANGL', 'ISR', 'RUS']])
    expect(a.totals).toMatchObject({ brackets: 9, positions: 34, notes: 4 })
  })
})
