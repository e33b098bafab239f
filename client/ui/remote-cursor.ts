import * as Y from 'yjs'
import type { EditorView } from 'prosemirror-view'
import { relativePositionToAbsolutePosition, ySyncPluginKey } from 'y-prosemirror'

/** An awareness state's cursor head as a ProseMirror position in `view`, or null when it has none. */
export function cursorPos(view: EditorView, state: { cursor?: { head?: unknown } } | undefined): number | null {
  const head = state?.cursor?.head
  if (!head) return null
  const sync = ySyncPluginKey.getState(view.state) as { doc: Y.Doc; type: Y.XmlFragment; binding: { mapping: unknown } } | undefined
  if (!sync) return null
  try {
    const pos = relativePositionToAbsolutePosition(sync.doc, sync.type, Y.createRelativePositionFromJSON(head), sync.binding.mapping as never)
    return pos === null ? null : Math.min(pos, view.state.doc.content.size)
  } catch {
    return null
  }
}
