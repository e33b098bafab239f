import type { Command, EditorState } from 'prosemirror-state'
import { bracketAt, positionGroup, type FoundPosition } from './find-bracket.ts'

/** The positions that belong to the bracket at the cursor (`[…] (+CHN) (-IND)`); empty when there is no bracket. */
export function positionsOfBracketHere(state: EditorState): FoundPosition[] {
  const found = bracketAt(state)
  return found ? positionGroup(state.doc, found.pos).positions : []
}

/**
 * Removes the bracket at the cursor and keeps its words ("lifts" it): `[agreed words] (+CHN) (-IND)`
 * → `agreed words`. The positions that followed it go with it (they were positions on the bracket,
 * not on the words), with the spaces and commas between them, in the same transaction: one undo brings both back.
 * Brackets nested inside it stay, with their positions.
 */
export const removeBracket: Command = (state, dispatch) => {
  const found = bracketAt(state)
  if (!found) return false
  if (dispatch) {
    const tr = state.tr
    // The positions and the spaces and commas between them go first (they come after the bracket,
    // so its position stays valid): `[x] (+CHN), (-IND); more` → `x; more`.
    const group = positionGroup(state.doc, found.pos)
    const end = found.pos + found.node.nodeSize
    if (group.positions.length > 0) tr.delete(end, group.end)
    tr.replaceWith(found.pos, found.pos + found.node.nodeSize, found.node.content)
    dispatch(tr.scrollIntoView())
  }
  return true
}
