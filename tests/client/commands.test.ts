import { describe, it, expect } from 'vitest'
import { doc, p, pid, br, pos, note, find, stateAt, nodeSelected, run, show } from './builders.ts'
import {
  bracketSelection, removeBracket, togglePosition, setQualifier, insertNote, toggleDeletion,
  insertNextLabel, nextFreeLabel, parseLabel, bracketAt
} from '../../client/commands/index.ts'
import { assignBlockIds } from '../../client/editor/block-ids.ts'
import { EditorState } from 'prosemirror-state'
import { schema } from '../../shared/schema.ts'

describe('bracketSelection', () => {
  it('brackets the selected words', () => {
    const d = doc(p('our security is common'))
    const s = run(stateAt(d, find(d, 'common'), find(d, 'common') + 6), bracketSelection)!
    expect(show(s.doc)).toBe('our security is [common]')
    expect(s.doc.check()).toBeUndefined()
  })
  it('nests inside an existing bracket', () => {
    const d = doc(p('a ', br('b c d'), ' e'))
    const s = run(stateAt(d, find(d, 'c'), find(d, 'c') + 1), bracketSelection)!
    expect(show(s.doc)).toBe('a [b [c] d] e')
  })
  it('widens a selection that crosses a bracket edge to the whole bracket', () => {
    const d = doc(p('a ', br('b c'), ' e'))
    const s = run(stateAt(d, find(d, 'a'), find(d, 'c') + 1), bracketSelection)!
    expect(show(s.doc)).toBe('[a [b c]] e')
  })
  it('inserts an empty bracket with the cursor inside', () => {
    const d = doc(p('ab'))
    const s = run(stateAt(d, find(d, 'b')), bracketSelection)!
    expect(show(s.doc)).toBe('a[]b')
    expect(s.selection.$from.parent.type.name).toBe('bracket')
  })
  it('refuses a selection across paragraphs', () => {
    const d = doc(p('one'), p('two'))
    expect(run(stateAt(d, find(d, 'one'), find(d, 'two') + 1), bracketSelection)).toBeNull()
  })
})

describe('removeBracket', () => {
  it('lifts the innermost bracket and keeps its words and inner brackets', () => {
    const d = doc(p('a ', br('b ', br('c'), ' d'), ' (e)'))
    const s = run(stateAt(d, find(d, 'b')), removeBracket)!
    expect(show(s.doc)).toBe('a b [c] d (e)')
  })
  it('acts on the bracket just before the cursor across its positions', () => {
    const d = doc(p(br('x'), ' ', pos('CHN'), ' rest'))
    const s = run(stateAt(d, find(d, ' rest')), removeBracket)!
    expect(show(s.doc)).toBe('x (+CHN) rest')
  })
  it('fails outside any bracket', () => {
    const d = doc(p('plain ', br('x'), ' more words'))
    expect(run(stateAt(d, find(d, 'words')), removeBracket)).toBeNull()
  })
})

describe('togglePosition', () => {
  const base = () => doc(p('PP4. ', br('shared future'), ' ', pos('CHN'), ', ', pos('ISR', '-'), '; next'))
  it('adds a position after the existing ones', () => {
    const d = base()
    const s = run(stateAt(d, find(d, 'future')), togglePosition('IND', '-'))!
    expect(show(s.doc)).toBe('PP4. [shared future] (+CHN), (-ISR) (-IND); next')
  })
  it('takes the same position back, with its space', () => {
    const d = base()
    const s = run(stateAt(d, find(d, 'future')), togglePosition('ISR', '-'))!
    expect(show(s.doc)).toBe('PP4. [shared future] (+CHN),; next')
  })
  it('flips the stance and keeps the qualifier', () => {
    const d = doc(p(br('x'), ' ', pos('IRAN', '+', 'with reservation')))
    const s = run(stateAt(d, find(d, 'x')), togglePosition('IRAN', '-'))!
    expect(show(s.doc)).toBe('[x] (-IRAN with reservation)')
  })
  it('works with the cursor after the bracket and its positions', () => {
    const d = base()
    const s = run(stateAt(d, find(d, '; next')), togglePosition('RUS', '+'))!
    expect(show(s.doc)).toBe('PP4. [shared future] (+CHN), (-ISR) (+RUS); next')
  })
  it('states a loose position at the cursor outside a bracket, after those already there, and takes it back', () => {
    const plain = doc(p('PP4. convinced that security matters'))
    const s1 = run(stateAt(plain, find(plain, ' matters')), togglePosition('IRAN', '+'))!
    expect(show(s1.doc)).toBe('PP4. convinced that security (+IRAN) matters')
    const s2 = run(stateAt(s1.doc, find(s1.doc, ' matters')), togglePosition('CHN', '+'))!
    expect(show(s2.doc)).toBe('PP4. convinced that security (+IRAN) (+CHN) matters')
    const s3 = run(stateAt(s2.doc, find(s2.doc, ' matters')), togglePosition('IRAN', '+'))!
    expect(show(s3.doc)).toBe('PP4. convinced that security (+CHN) matters')
  })
  it('fails outside a bracket with a selection', () => {
    const d = base()
    expect(run(stateAt(d, find(d, 'PP4'), find(d, 'PP4') + 3), togglePosition('IND', '+'))).toBeNull()
  })
  it('acts on a selected position mark of the delegation', () => {
    const d = base()
    const s = run(nodeSelected(d, find(d, ', ') - 1), togglePosition('CHN', '+'))!
    expect(show(s.doc)).toBe('PP4. [shared future], (-ISR); next')
  })
})

describe('setQualifier', () => {
  it('adds a qualifier to the delegation\'s position', () => {
    const d = doc(p(br('x'), ' ', pos('IRAN')))
    const s = run(stateAt(d, find(d, 'x')), setQualifier('IRAN', ' with  reservation '))!
    expect(show(s.doc)).toBe('[x] (+IRAN with reservation)')
  })
  it('removes it when empty', () => {
    const d = doc(p(br('x'), ' ', pos('IRAN', '-', 'ad ref')))
    const s = run(stateAt(d, find(d, 'x')), setQualifier('IRAN', ''))!
    expect(show(s.doc)).toBe('[x] (-IRAN)')
  })
  it('adds a supporting position when there is none', () => {
    const d = doc(p(br('x')))
    const s = run(stateAt(d, find(d, 'x')), setQualifier('TUR', 'ad ref'))!
    expect(show(s.doc)).toBe('[x] (+TUR ad ref)')
  })
})

describe('insertNote', () => {
  it('inserts at the cursor with a space before', () => {
    const d = doc(p('keep this'))
    const s = run(stateAt(d, find(d, 'this') + 4), insertNote(['IND'], 'keep original'))!
    expect(show(s.doc)).toBe('keep this (IND: keep original)')
  })
  it('goes after the bracket and its positions when the cursor is inside a bracket', () => {
    const d = doc(p(br('x y'), ' ', pos('CHN'), ' z'))
    const s = run(stateAt(d, find(d, 'y')), insertNote(['IND', 'TUR'], 'depends on PP5b'))!
    expect(show(s.doc)).toBe('[x y] (+CHN) (IND, TUR: depends on PP5b) z')
  })
  it('refuses an empty note', () => {
    const d = doc(p('x'))
    expect(run(stateAt(d, 1), insertNote(['IND'], '  '))).toBeNull()
  })
})

describe('toggleDeletion', () => {
  it('strikes and unstrikes the selection', () => {
    const d = doc(p(br('in accordance with'), ' ', pos('ISR', '-')))
    const from = find(d, 'in accordance'), to = from + 'in accordance with'.length
    const s = run(stateAt(d, from, to), toggleDeletion)!
    expect(show(s.doc)).toBe('[~~in accordance with~~] (-ISR)')
    const back = run(stateAt(s.doc, from, to), toggleDeletion)!
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
    const d = doc(p('PP1. One'), p('PP2. Two'), p('Three'))
    const s = run(stateAt(d, find(d, 'Three')), insertNextLabel())!
    expect(show(s.doc)).toBe('PP1. One\nPP2. Two\nPP3. Three')
    const o = run(stateAt(d, find(d, 'Three')), insertNextLabel('OP'))!
    expect(show(o.doc).split('\n')[2]).toBe('OP1. Three')
    expect(run(stateAt(d, find(d, 'Two')), insertNextLabel())).toBeNull()
  })
})

describe('bracketAt', () => {
  it('does not reach over words', () => {
    const d = doc(p(br('x'), ' and more'))
    expect(bracketAt(stateAt(d, find(d, 'more')))).toBeNull()
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

describe('notes stay out of brackets', () => {
  it('note() builder renders', () => {
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
