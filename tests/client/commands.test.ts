import { describe, it, expect } from 'vitest'
import { EditorState } from 'prosemirror-state'
import {
  bracketSelection, removeBracket, togglePosition, setQualifier, insertNote, toggleDeletion,
  insertNextLabel, nextFreeLabel, parseLabel, bracketAt
} from '../../client/commands/index.ts'
import { assignBlockIds } from '../../client/editor/block-ids.ts'
import { schema } from '../../shared/schema.ts'
import { br, del, doc, note, p, pid, pos } from '../helpers/builders.ts'
import { nodeSelected, run, show, stateAt } from '../helpers/state.ts'

describe('bracketSelection', () => {
  it('brackets the selected words', () => {
    const d = doc(p('our security is <a>common<b>'))
    const s = run(stateAt(d, d.tag.a, d.tag.b), bracketSelection)!
    expect(show(s.doc)).toBe('our security is [common]')
    expect(s.doc.check()).toBeUndefined()
  })
  it('nests inside an existing bracket', () => {
    const d = doc(p('a ', br('b <a>c<b> d'), ' e'))
    const s = run(stateAt(d, d.tag.a, d.tag.b), bracketSelection)!
    expect(show(s.doc)).toBe('a [b [c] d] e')
  })
  it('widens a selection that crosses a bracket edge to the whole bracket', () => {
    const d = doc(p('<a>a ', br('b c<b>'), ' e'))
    const s = run(stateAt(d, d.tag.a, d.tag.b), bracketSelection)!
    expect(show(s.doc)).toBe('[a [b c]] e')
  })
  it('inserts an empty bracket with the cursor inside', () => {
    const d = doc(p('a<a>b'))
    const s = run(stateAt(d, d.tag.a), bracketSelection)!
    expect(show(s.doc)).toBe('a[]b')
    expect(s.selection.$from.parent.type.name).toBe('bracket')
  })
  it('refuses a selection across paragraphs', () => {
    const d = doc(p('<a>one'), p('tw<b>o'))
    expect(run(stateAt(d, d.tag.a, d.tag.b), bracketSelection)).toBeNull()
  })
})

describe('removeBracket', () => {
  it('lifts the innermost bracket and keeps its words and inner brackets', () => {
    const d = doc(p('a ', br('<a>b ', br('c'), ' d'), ' (e)'))
    const s = run(stateAt(d, d.tag.a), removeBracket)!
    expect(show(s.doc)).toBe('a b [c] d (e)')
  })
  it('acts on the bracket just before the cursor across its positions, and lifts them with it', () => {
    const d = doc(p(br('x'), ' ', pos('+CHN'), '<a> rest'))
    const s = run(stateAt(d, d.tag.a), removeBracket)!
    expect(show(s.doc)).toBe('x rest')
  })
  it('lifts every position of the bracket and the commas between them, not an inner bracket\'s', () => {
    const d = doc(p('a ', br('<a>b ', br('c'), ' ', pos('-IND'), ' d'), ' ', pos('+CHN'), ', ', pos('-ISR'), '; next'))
    const s = run(stateAt(d, d.tag.a), removeBracket)!
    expect(show(s.doc)).toBe('a b [c] (-IND) d; next')
    expect(s.doc.check()).toBeUndefined()
  })
  it('fails outside any bracket', () => {
    const d = doc(p('plain ', br('x'), ' more <a>words'))
    expect(run(stateAt(d, d.tag.a), removeBracket)).toBeNull()
  })
})

describe('togglePosition', () => {
  const base = () => doc(p('<pp>PP4. ', br('shared <in>future'), ' ', '<chn>', pos('+CHN'), ', ', pos('-ISR'), '<after>; next'))
  it('adds a position after the existing ones', () => {
    const d = base()
    const s = run(stateAt(d, d.tag.in), togglePosition('IND', '-'))!
    expect(show(s.doc)).toBe('PP4. [shared future] (+CHN), (-ISR) (-IND); next')
  })
  it('takes the same position back, with its space', () => {
    const d = base()
    const s = run(stateAt(d, d.tag.in), togglePosition('ISR', '-'))!
    expect(show(s.doc)).toBe('PP4. [shared future] (+CHN),; next')
  })
  it('flips the stance and keeps the qualifier', () => {
    const d = doc(p(br('<a>x'), ' ', pos('+IRAN', 'with reservation')))
    const s = run(stateAt(d, d.tag.a), togglePosition('IRAN', '-'))!
    expect(show(s.doc)).toBe('[x] (-IRAN with reservation)')
  })
  it('works with the cursor after the bracket and its positions', () => {
    const d = base()
    const s = run(stateAt(d, d.tag.after), togglePosition('RUS', '+'))!
    expect(show(s.doc)).toBe('PP4. [shared future] (+CHN), (-ISR) (+RUS); next')
  })
  it('states a loose position at the cursor outside a bracket, after those already there, and takes it back', () => {
    const d = doc(p('PP4. convinced that security<a> matters'))
    const s1 = run(stateAt(d, d.tag.a), togglePosition('IRAN', '+'))!
    expect(show(s1.doc)).toBe('PP4. convinced that security (+IRAN) matters')
    // The cursor stays before " matters", which the insertion moved by the space and the mark.
    const at = s1.selection.from
    const s2 = run(stateAt(s1.doc, at), togglePosition('CHN', '+'))!
    expect(show(s2.doc)).toBe('PP4. convinced that security (+IRAN) (+CHN) matters')
    const s3 = run(stateAt(s2.doc, s2.selection.from), togglePosition('IRAN', '+'))!
    expect(show(s3.doc)).toBe('PP4. convinced that security (+CHN) matters')
  })
  it('fails outside a bracket with a selection', () => {
    const d = base()
    expect(run(stateAt(d, d.tag.pp, d.tag.pp + 3), togglePosition('IND', '+'))).toBeNull()
  })
  it('acts on a selected position mark of the delegation', () => {
    const d = base()
    const s = run(nodeSelected(d, d.tag.chn), togglePosition('CHN', '+'))!
    expect(show(s.doc)).toBe('PP4. [shared future], (-ISR); next')
  })
})

describe('setQualifier', () => {
  it('adds a qualifier to the delegation\'s position', () => {
    const d = doc(p(br('<a>x'), ' ', pos('+IRAN')))
    const s = run(stateAt(d, d.tag.a), setQualifier('IRAN', ' with  reservation '))!
    expect(show(s.doc)).toBe('[x] (+IRAN with reservation)')
  })
  it('removes it when empty', () => {
    const d = doc(p(br('<a>x'), ' ', pos('-IRAN', 'ad ref')))
    const s = run(stateAt(d, d.tag.a), setQualifier('IRAN', ''))!
    expect(show(s.doc)).toBe('[x] (-IRAN)')
  })
  it('adds a supporting position when there is none', () => {
    const d = doc(p(br('<a>x')))
    const s = run(stateAt(d, d.tag.a), setQualifier('TUR', 'ad ref'))!
    expect(show(s.doc)).toBe('[x] (+TUR ad ref)')
  })
})

describe('insertNote', () => {
  it('inserts at the cursor with a space before', () => {
    const d = doc(p('keep this<a>'))
    const s = run(stateAt(d, d.tag.a), insertNote(['IND'], 'keep original'))!
    expect(show(s.doc)).toBe('keep this (IND: keep original)')
  })
  it('goes after the bracket and its positions when the cursor is inside a bracket', () => {
    const d = doc(p(br('x <a>y'), ' ', pos('+CHN'), ' z'))
    const s = run(stateAt(d, d.tag.a), insertNote(['IND', 'TUR'], 'depends on PP5b'))!
    expect(show(s.doc)).toBe('[x y] (+CHN) (IND, TUR: depends on PP5b) z')
  })
  it('refuses an empty note', () => {
    const d = doc(p('<a>x'))
    expect(run(stateAt(d, d.tag.a), insertNote(['IND'], '  '))).toBeNull()
  })
})

describe('toggleDeletion', () => {
  it('strikes and unstrikes the selection', () => {
    const d = doc(p(br('<a>in accordance with<b>'), ' ', pos('-ISR')))
    const s = run(stateAt(d, d.tag.a, d.tag.b), toggleDeletion)!
    expect(show(s.doc)).toBe('[~~in accordance with~~] (-ISR)')
    expect(s.doc.eq(doc(p(br(del('in accordance with')), ' ', pos('-ISR'))))).toBe(true)
    const back = run(stateAt(s.doc, d.tag.a, d.tag.b), toggleDeletion)!
    expect(show(back.doc)).toBe('[in accordance with] (-ISR)')
  })
})

describe('labels', () => {
  it('parses labels at paragraph start, also inside a bracket', () => {
    expect(parseLabel('PP5b. Guided')).toEqual({ series: 'PP', number: 5, suffix: 'b' })
    expect(parseLabel('[PP5e. The situation')).toEqual({ series: 'PP', number: 5, suffix: 'e' })
    expect(parseLabel('13. Item')).toBeNull()
  })
  it('finds the next free label', () => {
    const used = new Set(['PP1', 'PP2', 'PP5', 'PP5a', 'PP5b', 'PP6'])
    expect(nextFreeLabel('PP', { series: 'PP', number: 2, suffix: '' }, used)).toBe('PP2a')
    expect(nextFreeLabel('PP', { series: 'PP', number: 5, suffix: '' }, used)).toBe('PP5c')
    expect(nextFreeLabel('PP', { series: 'PP', number: 6, suffix: '' }, used)).toBe('PP7')
    expect(nextFreeLabel('OP', null, used)).toBe('OP1')
  })
  it('inserts the next label at the start of the cursor\'s paragraph', () => {
    const d = doc(p('PP1. One'), p('PP2. <two>Two'), p('<three>Three'))
    const s = run(stateAt(d, d.tag.three), insertNextLabel())!
    expect(show(s.doc)).toBe('PP1. One\nPP2. Two\nPP3. Three')
    const o = run(stateAt(d, d.tag.three), insertNextLabel('OP'))!
    expect(show(o.doc).split('\n')[2]).toBe('OP1. Three')
    expect(run(stateAt(d, d.tag.two), insertNextLabel())).toBeNull()
  })
})

describe('bracketAt', () => {
  it('does not reach over words', () => {
    const d = doc(p(br('x'), ' and <a>more'))
    expect(bracketAt(stateAt(d, d.tag.a))).toBeNull()
  })
})

describe('block ids', () => {
  it('gives missing and duplicated ids fresh ones, first occurrence keeps its id', () => {
    const d = doc(pid('a', 'one'), pid('a', 'two'), pid(null, 'three'))
    let n = 0
    const tr = assignBlockIds(EditorState.create({ doc: d, schema }), () => `new${++n}`)!
    const ids: string[] = []
    tr.doc.forEach((b) => ids.push(b.attrs.id))
    expect(ids).toEqual(['a', 'new1', 'new2'])
  })
  it('does nothing when ids are unique', () => {
    const d = doc(pid('a', 'one'), pid('b', 'two'))
    expect(assignBlockIds(EditorState.create({ doc: d, schema }))).toBeNull()
  })
})

describe('notes', () => {
  it('are shown as delegates write them', () => {
    expect(show(doc(p('x ', note('IND', 'keep'))))).toBe('x (IND: keep)')
  })
})

describe('keyLabel', () => {
  it('reads key names as people do', async () => {
    const { keyLabel } = await import('../../client/editor/actions.ts')
    expect(keyLabel('Alt--')).toBe('Alt+-')
    expect(keyLabel('Alt-=')).toBe('Alt+=')
    expect(keyLabel('Mod-Shift-z')).toMatch(/^(Ctrl|⌘)\+Shift\+Z$/)
  })
})
