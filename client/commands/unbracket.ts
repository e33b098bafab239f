import type { Command } from 'prosemirror-state'
import { bracketAt } from './find-bracket.ts'

/**
 * Removes the bracket at the cursor and keeps its words ("lifts" it): `[agreed words]` → `agreed words`.
 * Brackets nested inside it stay. Positions that followed it stay too, for the delegations to withdraw.
 */
export const removeBracket: Command = (state, dispatch) => {
  const found = bracketAt(state)
  if (!found) return false
  if (dispatch) {
    const tr = state.tr.replaceWith(found.pos, found.pos + found.node.nodeSize, found.node.content)
    dispatch(tr.scrollIntoView())
  }
  return true
}
