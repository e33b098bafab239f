import type { Command, EditorState, Transaction } from 'prosemirror-state'
import type { Stance } from '../../shared/schema.ts'
import { schema } from '../../shared/schema.ts'
import { bracketAt, loosePositionsBefore, positionGroup, type FoundPosition } from './find-bracket.ts'

/**
 * The position `delegation` holds on the bracket at the cursor, or null. A selected position mark
 * of that delegation counts too.
 */
export function ownPosition(state: EditorState, delegation: string): FoundPosition | null {
  const sel = state.selection as { node?: import('prosemirror-model').Node }
  if (sel.node && sel.node.type === schema.nodes.delegation_mark && sel.node.attrs.delegation === delegation) {
    return { pos: state.selection.from, node: sel.node }
  }
  const bracket = bracketAt(state)
  if (!bracket) return null
  return positionGroup(state.doc, bracket.pos).positions.find((p) => p.node.attrs.delegation === delegation) ?? null
}

/** Deletes a position mark and the one space before it, so `] (+CHN) (-IND)` becomes `] (+CHN)`. */
export function deletePosition(tr: Transaction, found: FoundPosition): Transaction {
  const $pos = tr.doc.resolve(found.pos)
  const before = $pos.nodeBefore
  const from = before?.isText && before.text?.endsWith(' ') ? found.pos - 1 : found.pos
  return tr.delete(from, found.pos + found.node.nodeSize)
}

/**
 * Supports (`+`) or opposes (`-`) the bracket at the cursor as `delegation`: adds `(+IND)` after the
 * bracket and the positions already there; changes the stance if the delegation holds the other one
 * (keeping its qualifier); takes the position back if it already holds this one. Outside a bracket it
 * does the same with a loose position at the cursor, on the text before it (as in PP4's `(+IRAN)`).
 */
export function togglePosition(delegation: string, stance: Stance): Command {
  return (state, dispatch) => {
    if (!delegation) return false
    const bracket = bracketAt(state)
    const loose = bracket ? null : loosePositionsBefore(state.selection.$from)
    const own = ownPosition(state, delegation) ?? loose?.find((p) => p.node.attrs.delegation === delegation) ?? null
    if (!bracket && !own && !state.selection.empty) return false
    if (dispatch) {
      const tr = state.tr
      const mark = schema.nodes.delegation_mark.create({ delegation, stance, qualifier: null })
      if (own && own.node.attrs.stance === stance) {
        deletePosition(tr, own)
      } else if (own) {
        tr.setNodeMarkup(own.pos, undefined, { ...own.node.attrs, stance })
      } else if (bracket) {
        tr.insert(positionGroup(state.doc, bracket.pos).end, [schema.text(' '), mark])
      } else {
        // A loose position goes after the marks already there, with a space before it unless one is there.
        const at = loose && loose.length ? loose[loose.length - 1].pos + 1 : state.selection.from
        const before = tr.doc.resolve(at).nodeBefore
        const spaced = !before || (before.isText && /\s$/.test(before.text ?? ''))
        tr.insert(at, spaced ? [mark] : [schema.text(' '), mark])
      }
      dispatch(tr)
    }
    return true
  }
}
