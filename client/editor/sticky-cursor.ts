import { Plugin, TextSelection } from 'prosemirror-state'
import type { EditorView } from 'prosemirror-view'
import * as Y from 'yjs'
import { absolutePositionToRelativePosition, relativePositionToAbsolutePosition, ySyncPluginKey } from 'y-prosemirror'

interface SyncState { doc: Y.Doc; type: Y.XmlFragment; binding: { mapping: Map<unknown, unknown> } }

/**
 * Keeps a collapsed cursor glued to the character before it when another delegation types at the
 * very same spot. y-prosemirror restores cursors with right-associated positions, so a remote
 * insertion at one's cursor pushes the cursor past it and two people typing at the same place
 * interleave their letters ("baeltpa"). Remembering the character to the left of the cursor
 * before each Yjs transaction, and putting the cursor back after it, keeps each person's words whole.
 */
export function stickyCursorPlugin(): Plugin {
  let left: Y.RelativePosition | null = null
  let view: EditorView | null = null
  const remember = () => {
    left = null
    if (!view) return
    const sel = view.state.selection
    const sync = ySyncPluginKey.getState(view.state) as SyncState | undefined
    if (!sync || !sel.empty || !sel.$head.nodeBefore?.isText) return
    try {
      left = absolutePositionToRelativePosition(sel.head - 1, sync.type, sync.binding.mapping as never)
    } catch {
      left = null
    }
  }
  return new Plugin({
    view(v) {
      view = v
      const sync = ySyncPluginKey.getState(v.state) as SyncState | undefined
      sync?.doc.on('beforeAllTransactions', remember)
      return { destroy() { sync?.doc.off('beforeAllTransactions', remember); view = null } }
    },
    appendTransaction(trs, _old, state) {
      const remote = trs.some((tr) => {
        const meta = tr.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean; isUndoRedoOperation?: boolean } | undefined
        return meta?.isChangeOrigin && !meta.isUndoRedoOperation && tr.docChanged
      })
      if (!remote || !left || !state.selection.empty) return null
      const sync = ySyncPluginKey.getState(state) as SyncState | undefined
      if (!sync) return null
      let abs: number | null
      try {
        abs = relativePositionToAbsolutePosition(sync.doc, sync.type, left, sync.binding.mapping as never)
      } catch {
        return null
      }
      if (abs === null) return null
      const restored = state.selection.head
      const wanted = abs + 1
      // Only ever move left over text just inserted at the cursor; any other case (the left
      // character was deleted, the cursor moved elsewhere) keeps y-prosemirror's choice.
      if (wanted >= restored || wanted > state.doc.content.size) return null
      const $w = state.doc.resolve(wanted)
      if ($w.parent !== state.selection.$head.parent || !$w.parent.inlineContent) return null
      return state.tr.setSelection(TextSelection.create(state.doc, wanted))
    }
  })
}
