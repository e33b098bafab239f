import { describe, it, expect } from 'vitest'
import { EditorState, TextSelection, type Transaction } from 'prosemirror-state'
import { typedIntoEmptyBlock } from '../../client/editor/empty-block-input.ts'
import { doc, p } from '../helpers/builders.ts'

// What ProseMirror hands the handler when Chromium reports the selection at the paragraph's start
// after inserting a typed character (seen under load right after Enter): its default transaction
// inserts the text and puts the cursor where the browser said — in front of the new character.
function browserReport(state: EditorState, from: number, text: string): () => Transaction {
  return () => {
    const tr = state.tr.insertText(text, from, from)
    return tr.setSelection(TextSelection.create(tr.doc, from))
  }
}

function viewOf(state: EditorState, composing = false) {
  const view = { state, composing, dispatch: (tr: Transaction) => { view.state = view.state.apply(tr) } }
  return view
}

describe('a character typed into an empty paragraph', () => {
  it('leaves the cursor after it, whatever the browser reported', () => {
    const d = doc(p('first line'), p('<a>'))
    const view = viewOf(EditorState.create({ doc: d, selection: TextSelection.create(d, d.tag.a) }))
    expect(typedIntoEmptyBlock(view, d.tag.a, d.tag.a, 'P', browserReport(view.state, d.tag.a, 'P'))).toBe(true)
    expect(view.state.doc.child(1).textContent).toBe('P')
    expect(view.state.selection.head).toBe(d.tag.a + 1)
    // The next keystroke lands in a paragraph that is no longer empty: ProseMirror's own way applies.
    expect(typedIntoEmptyBlock(view, d.tag.a + 1, d.tag.a + 1, 'P', browserReport(view.state, d.tag.a + 1, 'P'))).toBe(false)
  })

  it('is left to ProseMirror in a paragraph with text, over a selection, and during a composition', () => {
    const d = doc(p('wo<a>rds<b>'), p('<c>'))
    const inText = viewOf(EditorState.create({ doc: d }))
    expect(typedIntoEmptyBlock(inText, d.tag.a, d.tag.a, 'x', browserReport(inText.state, d.tag.a, 'x'))).toBe(false)
    expect(typedIntoEmptyBlock(inText, d.tag.a, d.tag.b, 'x')).toBe(false)
    const composing = viewOf(EditorState.create({ doc: d }), true)
    expect(typedIntoEmptyBlock(composing, d.tag.c, d.tag.c, 'x', browserReport(composing.state, d.tag.c, 'x'))).toBe(false)
    expect(inText.state.doc.eq(d)).toBe(true)
    expect(composing.state.doc.eq(d)).toBe(true)
  })
})
