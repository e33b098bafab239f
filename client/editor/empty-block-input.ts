import { Plugin, TextSelection, type Transaction } from 'prosemirror-state'
import type { EditorView } from 'prosemirror-view'

/**
 * Puts the cursor after a character typed into an empty paragraph.
 *
 * When a keystroke comes right after Enter made the paragraph, before the browser has laid the page
 * out again (a busy laptop, many delegations typing), Chromium inserts the character but reports the
 * selection as still at the paragraph's start; ProseMirror reads that back, so the cursor stays in
 * front of the letter and the rest of the line is typed before it ("P1. second lineP" for "PP1.
 * second line"). Typing never leaves the cursor in front of what was typed, so for a plain insertion
 * into an empty text block this takes ProseMirror's own transaction and sets the cursor after the
 * text instead of the browser's report. Compositions (input methods) are left to ProseMirror.
 */
export function emptyBlockInputPlugin(): Plugin {
  return new Plugin({
    props: {
      handleTextInput(view: EditorView, from: number, to: number, text: string, deflt?: () => Transaction): boolean {
        return typedIntoEmptyBlock(view, from, to, text, deflt)
      }
    }
  })
}

/** The rule of `emptyBlockInputPlugin`, apart from the plugin so it can be exercised on a plain state. */
export function typedIntoEmptyBlock(
  view: Pick<EditorView, 'state' | 'dispatch' | 'composing'>, from: number, to: number, text: string, deflt?: () => Transaction
): boolean {
  if (view.composing || from !== to || text.length === 0) return false
  const $from = view.state.doc.resolve(from)
  if (!$from.parent.isTextblock || $from.parent.content.size !== 0) return false
  const tr = deflt ? deflt() : view.state.tr.insertText(text, from, to)
  const after = tr.mapping.map(from, 1)
  // Only when what came in is what was typed, at that place: anything else stays ProseMirror's.
  if (tr.doc.textBetween(from, after) !== text) return false
  view.dispatch(tr.setSelection(TextSelection.create(tr.doc, after)))
  return true
}
