import { describe, it, expect } from 'vitest'
import { EditorState, TextSelection } from 'prosemirror-state'
import { Slice } from 'prosemirror-model'
import { toggleDeletion, toggleEmphasis } from '../../client/commands/index.ts'
import { nodeMarksPlugin } from '../../client/editor/node-marks.ts'
import { podiumToSlice } from '../../client/editor/clipboard.ts'
import { DEFAULT_ROSTER } from '../../shared/roster.ts'
import { br, doc, p } from '../helpers/builders.ts'
import { run, show } from '../helpers/state.ts'

// In the editor a whole bracket's (position's, note's) marks live in its `marks` attribute, the form
// y-prosemirror keeps; the commands read and write it, and the plugin moves marks a paste brings.

const stateOf = (d: ReturnType<typeof doc>, from: number, to: number) =>
  EditorState.create({ doc: d, selection: TextSelection.create(d, from, to), plugins: [nodeMarksPlugin()] })

const noNodeMarks = (s: EditorState) => s.doc.descendants((n) => { if (!n.isText) expect(n.marks).toEqual([]); return true })

describe('marks on a whole bracket in the editor', () => {
  it('proposes a whole bracket for deletion with its attribute, and takes it back', () => {
    const d = doc(p('based on <a>', br('shared principles'), '<b> and'))
    const s = run(stateOf(d, d.tag.a, d.tag.b), toggleDeletion)!
    expect(show(s.doc)).toBe('based on ~~[shared principles]~~ and')
    expect(s.doc.firstChild!.child(1).attrs.marks).toBe('deletion')
    noNodeMarks(s)
    const back = run(s, toggleDeletion)!
    expect(show(back.doc)).toBe('based on [shared principles] and')
  })

  it('marks text around a bracket and the bracket, not the bracket\'s words twice', () => {
    const d = doc(p('<a>the ', br('shared'), ' of<b> x'))
    const s = run(stateOf(d, d.tag.a, d.tag.b), toggleEmphasis)!
    expect(show(s.doc)).toBe('*the [shared] of* x')
    noNodeMarks(s)
  })

  it('pasted podium text with marks on brackets and positions keeps them, as attributes', () => {
    const d = doc(p('x<a>'))
    const s0 = stateOf(d, d.tag.a, d.tag.a)
    const slice: Slice = podiumToSlice('~~[information]~~ *(+IND)*', DEFAULT_ROSTER)
    const s = s0.apply(s0.tr.replaceSelection(slice))
    expect(show(s.doc)).toBe('x~~[information]~~ *(+IND)*')
    noNodeMarks(s)
  })
})
