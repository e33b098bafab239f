import type { Command } from 'prosemirror-state'
import { schema } from '../../shared/schema.ts'
import { bracketAt, positionGroup } from './find-bracket.ts'
import { ownPosition } from './position.ts'

/**
 * Sets the qualifier of `delegation`'s position on the bracket at the cursor: `(+IRAN)` →
 * `(+IRAN with reservation)`; an empty qualifier removes it. Without a position yet, adds a
 * supporting one with the qualifier. Fails outside a bracket.
 */
export function setQualifier(delegation: string, qualifier: string): Command {
  return (state, dispatch) => {
    if (!delegation) return false
    const q = qualifier.replace(/\s+/g, ' ').replace(/[()]/g, '').trim() || null
    const own = ownPosition(state, delegation)
    const bracket = own ? null : bracketAt(state)
    if (!own && !bracket) return false
    if (dispatch) {
      const tr = state.tr
      if (own) {
        tr.setNodeMarkup(own.pos, undefined, { ...own.node.attrs, qualifier: q })
      } else if (bracket) {
        const { end } = positionGroup(state.doc, bracket.pos)
        tr.insert(end, [schema.text(' '), schema.nodes.delegation_mark.create({ delegation, stance: '+', qualifier: q })])
      }
      dispatch(tr)
    }
    return true
  }
}
