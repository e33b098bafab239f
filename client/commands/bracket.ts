import type { Command } from 'prosemirror-state'
import { TextSelection } from 'prosemirror-state'
import { schema } from '../../shared/schema.ts'

/**
 * Brackets the selection: `agreed words` → `[agreed words]`. A selection that starts and ends at
 * different depths is widened to whole brackets, so brackets always nest and never overlap.
 * An empty selection inserts an empty bracket with the cursor inside. Fails across paragraphs.
 */
export const bracketSelection: Command = (state, dispatch) => {
  const { $from, $to } = state.selection
  if ($from.depth === 0 || $to.depth === 0) return false
  const depth = $from.sharedDepth($to.pos)
  if (depth < 1) return false // the selection spans blocks
  if (!$from.node(depth).inlineContent) return false
  const from = $from.depth > depth ? $from.before(depth + 1) : $from.pos
  const to = $to.depth > depth ? $to.after(depth + 1) : $to.pos
  if (dispatch) {
    const content = state.doc.slice(from, to).content
    const bracket = schema.nodes.bracket.create(null, content)
    const tr = state.tr.replaceWith(from, to, bracket)
    // Empty bracket: cursor inside it, ready to type. Otherwise select the bracketed words.
    tr.setSelection(from === to
      ? TextSelection.create(tr.doc, from + 1)
      : TextSelection.create(tr.doc, from + 1, from + 1 + content.size))
    dispatch(tr.scrollIntoView())
  }
  return true
}
