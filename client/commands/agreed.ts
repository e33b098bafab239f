import type { Command } from 'prosemirror-state'

/**
 * Marks the top-level paragraph at the cursor agreed ad ref, or reopens it when it is. The server
 * lets only the chair and the secretariat do this (shared/trust/authority.ts).
 */
export const toggleAgreedAdRef: Command = (state, dispatch) => {
  const $from = state.selection.$from
  if ($from.depth < 1) return false
  const block = $from.node(1)
  if (!('adref' in block.attrs)) return false
  if (dispatch) dispatch(state.tr.setNodeAttribute($from.before(1), 'adref', block.attrs.adref === true ? null : true))
  return true
}
