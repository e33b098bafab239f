import type { Command } from 'prosemirror-state'
import { schema } from '../../shared/schema.ts'
import { bracketAt, positionGroup } from './find-bracket.ts'

/**
 * Adds a note for one or more delegations: `(IND: keep original)`. Inside a bracket the note goes
 * after that bracket and its positions (a note is never part of the bracketed words); elsewhere at
 * the cursor. A space separates it from the text before. Fails on empty text or no delegation.
 */
export function insertNote(delegations: readonly string[], text: string): Command {
  return (state, dispatch) => {
    const codes = delegations.map((d) => d.trim()).filter(Boolean)
    const body = text.replace(/\s+/g, ' ').trim()
    if (codes.length === 0 || !body) return false
    const { $from, to } = state.selection
    if (!$from.parent.inlineContent) return false
    let at = to
    for (let d = $from.depth; d > 0; d--) {
      if ($from.node(d).type === schema.nodes.bracket) {
        const inner = bracketAt(state)
        if (inner) at = positionGroup(state.doc, inner.pos).end
        break
      }
    }
    if (dispatch) {
      const note = schema.nodes.note.create({ delegations: codes.join(', '), text: body, form: 'colon' })
      const before = state.doc.resolve(at).nodeBefore
      const needsSpace = before !== null && !(before.isText && /\s$/.test(before.text ?? ''))
      const tr = state.tr.insert(at, needsSpace ? [schema.text(' '), note] : [note])
      dispatch(tr.scrollIntoView())
    }
    return true
  }
}
