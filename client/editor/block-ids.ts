import { Plugin, PluginKey, type EditorState, type Transaction } from 'prosemirror-state'
import { ySyncPluginKey } from 'y-prosemirror'
import { newBlockId } from '../../shared/ids.ts'

/** Key of the block-id plugin. */
export const blockIdsKey = new PluginKey('podium-block-ids')

/**
 * A transaction giving every top-level block without an id, or with an id already used by an
 * earlier block (a split or pasted paragraph copies its source's id), a fresh one. Null when
 * every block already has its own id.
 */
export function assignBlockIds(state: EditorState, makeId: () => string = newBlockId): Transaction | null {
  const seen = new Set<string>()
  let tr: Transaction | null = null
  state.doc.forEach((block, pos) => {
    if (!('id' in block.attrs)) return
    const id = block.attrs.id as string | null
    if (id && !seen.has(id)) {
      seen.add(id)
      return
    }
    let fresh = makeId()
    while (seen.has(fresh)) fresh = makeId()
    seen.add(fresh)
    tr ??= state.tr
    tr.setNodeAttribute(pos, 'id', fresh)
  })
  return tr
}

/**
 * Keeps block ids unique for local edits. Changes that came from Yjs (remote edits, undo) are left
 * alone: their author's client assigned ids already, and two clients fixing the same paragraph at
 * once would only fight. `enabled()` false (observers) turns it off.
 */
export function blockIdsPlugin(enabled: () => boolean = () => true, makeId: () => string = newBlockId): Plugin {
  return new Plugin({
    key: blockIdsKey,
    appendTransaction(trs, _old, state) {
      if (!enabled()) return null
      if (!trs.some((tr) => tr.docChanged && tr.getMeta(ySyncPluginKey) === undefined)) return null
      // No addToHistory=false here: y-prosemirror reads that flag from the last transaction of the
      // update, so it would keep the user's own edit out of their undo history too.
      return assignBlockIds(state, makeId)
    }
  })
}
