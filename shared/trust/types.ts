// The words the trust rules speak: who sent a change, what a block looked like, what rule a change broke.

import type { Role } from '../protocol.ts'

/** Who sent a change, as the rules see it (from the connection's token, never from the client). */
export interface Sender {
  role: Role
  /** The roster code a delegation token speaks for; null for other roles. */
  delegation: string | null
  /** The identity authorship is recorded under: `delegation:IND`, `token:<id>`, `server`. */
  identity: string
}

/** The names of the rules, as recorded in the audit and counted in /metrics. */
export type RuleName =
  | 'read-only'
  | 'forged-client'
  | 'undecodable'
  | 'incomplete-update'
  | 'unknown-content'
  | 'invalid-block'
  | 'position-owner'
  | 'note-owner'
  | 'agreed-locked'
  | 'pen-only'
  | 'others-words'
  | 'others-brackets'
  | 'block-id'

/** A rule a change broke, with the explanation its sender reads. */
export interface Violation {
  rule: RuleName
  /** In the user's words: "Only India can withdraw India's position". */
  reason: string
}

/** A top-level block in ProseMirror JSON form, as read from the shared document. */
export interface BlockJSON {
  type: string
  attrs: Record<string, unknown>
  content?: InlineJSON[]
}

/** An inline node in ProseMirror JSON form. */
export interface InlineJSON {
  type: string
  attrs?: Record<string, unknown>
  text?: string
  marks?: { type: string; attrs?: Record<string, unknown> }[]
  content?: InlineJSON[]
}

/** One top-level block as it was before a change, or is after it. */
export interface BlockState {
  json: BlockJSON
  /** Every text character of the block in order (brackets, positions and notes left out). */
  text: string
  /** For each UTF-16 unit of `text`, the identity that inserted it (null when unknown). */
  authors: (string | null)[]
  /** For each bracket of the block in document order, the identity that inserted it. */
  bracketAuthors: (string | null)[]
  /** When asked for: the Yjs item id (client, clock) of each character of `text`. */
  ids?: { clients: number[]; clocks: number[] }
}

/** A block a change touched: `before` null when the change created it, `after` null when it removed it. */
export interface ChangedBlock {
  before: BlockState | null
  after: BlockState | null
}

/** What a change did to the document: the blocks it touched, in document order, and the ids of every other block. */
export interface Change {
  blocks: ChangedBlock[]
  /** Block ids of the blocks the change did not touch (to keep ids unique and unswapped). */
  otherIds: ReadonlySet<string>
}

/**
 * Whose words a run of moved text holds: clocks `clock`…`clock + len - 1` of Yjs client `client`
 * were inserted by whoever moved them (a bracket re-inserts the words it wraps), but are `identity`'s.
 */
export interface Provenance {
  client: number
  clock: number
  len: number
  identity: string
}
