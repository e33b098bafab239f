// A whole document sent over REST as ProseMirror JSON (an import confirmed in the browser): read it
// under the same rules as a live change — the schema, the roster, the bounds — or say why not.

import type { Node } from 'prosemirror-model'
import type { RosterEntry } from '../roster.ts'
import { schema } from '../schema.ts'
import type { BlockJSON, Violation } from './types.ts'
import { validateBlock } from './validate.ts'

/** Most blocks a document sent over REST may hold. */
export const MAX_DOC_BLOCKS = 20_000

/**
 * Reads `json` (untrusted) as a podium document: a `doc` of valid blocks (validateBlock: node types,
 * attributes, bounds; positions and notes may name codes off `roster`, as an imported text may).
 * Returns the document, or the first problem.
 */
export function documentFromJSON(json: unknown, roster: readonly RosterEntry[]): { ok: true; doc: Node } | { ok: false; problem: Violation } {
  const bad = (reason: string) => ({ ok: false as const, problem: { rule: 'invalid-block' as const, reason } })
  const j = json as { type?: unknown; content?: unknown } | null
  if (j === null || typeof j !== 'object' || j.type !== 'doc' || !Array.isArray(j.content)) return bad('the document is not a list of paragraphs')
  if (j.content.length === 0 || j.content.length > MAX_DOC_BLOCKS) return bad(`a document holds 1 to ${MAX_DOC_BLOCKS} paragraphs`)
  for (const [i, block] of (j.content as BlockJSON[]).entries()) {
    // An import may name delegations the roster lacks (its positions are kept as written, as the
    // podium text format does); everything else is checked as for a live change.
    const problem = validateBlock(block, roster, block)
    if (problem) return { ok: false, problem: { rule: problem.rule, reason: `paragraph ${i + 1}: ${problem.reason}` } }
  }
  try {
    const doc = schema.nodeFromJSON(j)
    doc.check()
    return { ok: true, doc }
  } catch (err) {
    return bad(`the document does not fit the podium format (${(err as Error).message.slice(0, 120)})`)
  }
}
