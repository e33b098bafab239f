import { TextSelection } from 'prosemirror-state'
import type { EditorView } from 'prosemirror-view'

/** Puts the cursor at `pos` (clamped into the document), scrolls it into view and focuses the text. */
export function goTo(view: EditorView, pos: number): void {
  const doc = view.state.doc
  const at = Math.max(0, Math.min(pos, doc.content.size))
  const sel = TextSelection.near(doc.resolve(at))
  view.dispatch(view.state.tr.setSelection(sel).scrollIntoView())
  view.focus()
  const { node } = view.domAtPos(sel.from)
  const el = node instanceof Element ? node : node.parentElement
  el?.scrollIntoView({ block: 'center' })
}
