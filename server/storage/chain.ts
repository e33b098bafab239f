// Tamper evidence: the hash chains over the stored log, the audit trail, refusals, compacted states
// and snapshots. Every link is a sha256 over a tag, the previous link and the row's own fields, so a
// row changed, removed or moved after it was written no longer matches (see docs/server.md).

import type { RefusalRecord, SnapshotRecord } from './types.ts'
import { hash } from 'node:crypto'

/** The `prev` of the first link of a chain. */
export const GENESIS = ''

/**
 * Thrown when stored data no longer matches the hash it was written with (a snapshot, a compacted
 * state, a chain on start). The message says what, in words.
 */
export class IntegrityError extends Error {
  override name = 'IntegrityError'
}

// sha256 over a tag, the JSON of the fields (unambiguous) and each blob with its length. One-shot
// `hash` over one buffer costs about half of a createHash object with several updates (≈2 µs here).
function digest(tag: string, fields: readonly unknown[], blobs: readonly Uint8Array[] = []): string {
  let head = `${tag}\n${JSON.stringify(fields)}`
  if (blobs.length === 0) return hash('sha256', head)
  const parts: Uint8Array[] = []
  for (const blob of blobs) {
    // A column edited by hand may come back as text or null: hashed as bytes, it fails to match, not to run.
    const b: Uint8Array = blob instanceof Uint8Array ? blob : Buffer.from(String(blob ?? ''))
    head += `\n${b.byteLength}\n`
    parts.push(Buffer.from(head), b)
    head = ''
  }
  return hash('sha256', Buffer.concat(parts))
}

/** The sender and time of an update as its audit row stores them. `clientIds` is the row's JSON text. */
export interface LinkSender {
  tokenId: string | null
  role: string
  delegation: string | null
  /** null only on rows written before the chain existed. */
  identity: string | null
  at: string
  clientIds: string
}

/** The link of one stored update: over the previous link of its document, the bytes, the sender and the time. */
export function updateLink(prev: string, doc: string, data: Uint8Array, s: LinkSender): string {
  return digest('podium-update', [prev, doc, s.tokenId, s.role, s.delegation, s.identity, s.at, s.clientIds], [data])
}

/** The fields of one audit row that its hash covers (all of them but its id). */
export interface AuditFields extends LinkSender {
  updateId: number
  doc: string
  bytes: number
  /** The update's link (null on rows whose update was compacted before the chain existed). */
  link: string | null
}

/** The hash of an audit row, chained over the whole table in id order. */
export function auditHash(prev: string, r: AuditFields): string {
  return digest('podium-audit', [prev, r.updateId, r.doc, r.tokenId, r.role, r.delegation, r.identity, r.at, r.clientIds, r.bytes, r.link])
}

/** The fields of one refusal row that its hash covers (all of them but its id). */
export type RefusalFields = Omit<RefusalRecord, 'id'>

/** The hash of a refusal row, chained over the whole table in id order. */
export function refusalHash(prev: string, r: RefusalFields): string {
  return digest('podium-refusal', [prev, r.doc, r.tokenId, r.role, r.delegation, r.at, r.rule, r.reason, r.bytes])
}

/** The hash of a compacted state: its bytes and the chain head (update `upto`'s link) it covers. */
export function stateHash(doc: string, upto: number, head: string, data: Uint8Array): string {
  return digest('podium-state', [doc, upto, head], [data])
}

/** A snapshot row as stored (totals as its JSON text), with the chain head it covers. */
export type SnapshotFields = Omit<SnapshotRecord, 'id' | 'totals'> & {
  totals: string
  /** The link of update `upto`: the chain head the snapshot covers. */
  head: string
}

/** The seal of a snapshot: every field and both encodings, chained over the document's snapshots. */
export function snapshotSeal(prev: string, s: SnapshotFields): string {
  return digest('podium-snapshot', [prev, s.doc, s.label, s.createdAt, s.takenBy, s.role, s.cobDate, s.sha256, s.upto, s.totals, s.head], [s.snapshot, s.state])
}
