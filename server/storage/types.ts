// The storage contract the sync server and the REST API rely on. SQLite implements it
// (sqlite.ts); anything else that keeps these promises could replace it.

import type { Role } from '../../shared/protocol.ts'
import type { SnapshotMeta } from '../../shared/history/types.ts'

export type { SnapshotMeta }

/** Who sent an update, as recorded in the audit table. `tokenId` is null for the server itself. */
export interface Attribution {
  tokenId: string | null
  role: Role | 'server'
  delegation: string | null
  /** The identity client IDs are bound to: `delegation:IND`, `token:<id>` or `server`. */
  identity: string
  /** Yjs client IDs whose new content the update carries. */
  clientIds: number[]
}

import type { Visibility } from '../../shared/visibility.ts'
export { VISIBILITIES, type Visibility } from '../../shared/visibility.ts'

/** A stored document's metadata. Times are ISO strings; `lastChange` is null before any update. */
export interface DocRecord {
  name: string
  title: string
  createdAt: string
  lastChange: string | null
  /** Who may open it (documents stored before visibility existed are `public`). */
  visibility: Visibility
  /** When the secretariat archived it (read-only, out of the default list), or null. */
  archivedAt: string | null
  /** The draft's header and version line as imported ("Version 14/11/2024 13:00"), or null. */
  header: string | null
}

/** What Storage.setDocMeta may change; a field left out is kept. */
export interface DocMetaPatch {
  visibility?: Visibility
  archivedAt?: string | null
  header?: string | null
}

/**
 * A document's lease: which server is authoritative for it until `expiresAt` (ms since the epoch).
 * `fence` grows by one each time the lease changes hands; an append carrying an older fence is refused.
 */
export interface Lease {
  doc: string
  holder: string
  fence: number
  expiresAt: number
}

/** Thrown by append/appendMany when the fence given is not the document's current lease fence. */
export class FencedError extends Error {
  constructor (readonly doc: string, readonly fence: number) {
    super(`${doc}: this server's lease (fence ${fence}) is no longer current; another server is authoritative`)
    this.name = 'FencedError'
  }
}

/**
 * A document's full state as its holder has it: exactly the stored state and every update up to id
 * `upto`. `encode` is called only if the state will be stored.
 */
export interface KnownState {
  upto: number
  encode(): Uint8Array
  /** How many structs the document holds (Y.Doc store), stored beside the state as its load cost; omitted when not known. */
  structs?: number
}

/**
 * What loading a document would cost, known without decoding it: the room registry decides from it
 * whether to build the document off the loop (sync/room-load.ts).
 */
export interface LoadCost {
  /** Bytes stored: the compacted state and the log. */
  bytes: number
  /** Structs of the compacted state, as counted when it was written (0 when there is none or it was not counted). */
  structs: number
  /** Bytes whose structs were not counted: the log, and a compacted state written without its count. */
  uncountedBytes: number
}

/** What `load` returns: the compacted state (if any) and the updates appended after it, in order. */
export interface LoadedDoc {
  record: DocRecord
  updates: Uint8Array[]
  /** The id of the newest update included in `updates` (merged into the state or listed); 0 when none. */
  upto: number
  /** Client ID → identity, from every accepted update so far. */
  owners: Map<number, string>
}

/** A sign-in token as stored: never the token itself, only its sha256 hash. */
export interface TokenRecord {
  id: string
  hash: string
  role: Role
  delegation: string | null
  label: string | null
  doc: string | null
  createdAt: string
  revokedAt: string | null
  /** When the token stops being valid (ISO 8601), or null: never. */
  expiresAt?: string | null
}

/** One audit row: an accepted update and who sent it. */
export interface AuditRecord {
  id: number
  updateId: number
  doc: string
  tokenId: string | null
  role: string
  delegation: string | null
  at: string
  clientIds: number[]
  bytes: number
}

/**
 * Who first wrote a run of text that a later update moved (y-prosemirror deletes and re-inserts the
 * words a bracket wraps): clocks `clock`…`clock + len - 1` of Yjs client `client` hold words of `identity`.
 */
export interface ProvenanceRow {
  client: number
  clock: number
  len: number
  identity: string
}

/** A refused update, as recorded in the audit: who sent it, which rule refused it and why, in words. */
export interface RefusalRecord {
  id: number
  doc: string
  tokenId: string | null
  role: string
  delegation: string | null
  at: string
  /** The rule's short name, e.g. `position-owner`, `agreed-locked`, `pending-structs`. */
  rule: string
  /** The explanation shown to the sender ("Only India can withdraw India's position"). */
  reason: string
  bytes: number
}

/**
 * One entry of a document's audit as the secretariat reads it: an accepted update or a refusal.
 * Fields that only one kind has are null on the other.
 */
export interface AuditEntry {
  kind: 'accepted' | 'refused'
  /** The row's id in its own table (audit or refusals). */
  id: number
  doc: string
  at: string
  tokenId: string | null
  role: string
  delegation: string | null
  /** Accepted: the identity its client IDs are bound to (null on rows older than the hash chain). */
  identity: string | null
  /** Size of the update, in bytes. */
  bytes: number
  /** Accepted: the update's id in the log. */
  updateId: number | null
  /** Accepted: the Yjs client IDs whose new content it carried. */
  clientIds: number[] | null
  /** Refused: the rule's short name. */
  rule: string | null
  /** Refused: the explanation in words. */
  reason: string | null
}

/** Filters of Storage.auditEntries. */
export interface AuditQuery {
  /** Only entries at or after this ISO time (as stored: `Date#toISOString`). */
  since?: string
  /** Only entries sent by this delegation. */
  delegation?: string
  /** At most this many entries: the newest. */
  limit?: number
}

/** A snapshot with its Yjs snapshot (state vector and delete set) and its full encoded state. */
export interface SnapshotRecord extends SnapshotMeta {
  /** `Y.encodeSnapshot` of the document at that moment. */
  snapshot: Uint8Array
  /** `Y.encodeStateAsUpdate` of the document at that moment. */
  state: Uint8Array
}

/** What one accepted update deleted, by whom: `ds` is an encoded Yjs snapshot holding only the delete set. */
export interface DeletionRow {
  updateId: number
  identity: string
  ds: Uint8Array
}

/** Durable storage for documents, their update logs, tokens and the audit trail. All calls are synchronous. */
export interface Storage {
  /** Creates a document with its first update. Returns false (and writes nothing) when the name is taken. */
  createDoc(name: string, title: string, initial: Uint8Array, attribution: Attribution): boolean
  /** The document's metadata, or null when there is none by that name. */
  getDoc(name: string): DocRecord | null
  /** Every document's metadata, by name. */
  listDocs(): DocRecord[]
  /** Sets a document's title. Returns false when there is no such document. */
  setTitle(name: string, title: string): boolean
  /** The document's stored state and owners, or null when there is no such document. Throws when stored data is unreadable or a compacted state no longer matches its hash (IntegrityError). */
  load(name: string): LoadedDoc | null
  /**
   * Appends one update to the document's log with its audit row and hash-chain link, durably, and
   * returns the update id. With `fence`, throws FencedError (writing nothing) unless it is the
   * document's current lease fence, checked in the same transaction.
   */
  append(name: string, update: Uint8Array, attribution: Attribution, fence?: number): number
  /** Changes a document's visibility, archive time or header. Returns false when there is no such document. */
  setDocMeta(name: string, patch: DocMetaPatch): boolean
  /** A meeting-wide setting (the roster as edited from the meeting home, the time zone…), or null. */
  getSetting(key: string): string | null
  /** Stores a meeting-wide setting; null removes it. */
  setSetting(key: string, value: string | null): void
  /**
   * Takes or renews the document's lease for `holder` for `ttlMs` from now, when it is free, expired
   * or already `holder`'s; returns the lease (a new fence when it changed hands), or null when
   * another holder has it.
   */
  acquireLease(doc: string, holder: string, ttlMs: number): Lease | null
  /** Gives the lease up, when `holder` has it. */
  releaseLease(doc: string, holder: string): void
  /** The document's lease as stored (possibly expired), or null when none was ever taken. */
  leaseOf(doc: string): Lease | null
  /**
   * Merges the document's log into one stored state. Updates appended later are kept. Returns how
   * many rows were merged. With `known`, the caller's encoding of the document is stored instead of
   * merging the rows, but only when the log ends at `known.upto` (no other writer appended since).
   */
  compact(name: string, known?: KnownState): number
  /** How many log rows the document has since its last compaction. */
  pendingCount(name: string): number
  /** Stores a new token record. */
  insertToken(record: TokenRecord): void
  /** The token with this sha256 hash, or null. */
  tokenByHash(hash: string): TokenRecord | null
  /** The token with this public id, or null. */
  tokenById(id: string): TokenRecord | null
  /** Every token, oldest first. */
  listTokens(): TokenRecord[]
  /** Marks a token revoked. Returns false when there is no such token or it was already revoked. */
  revokeToken(id: string): boolean
  /** Sets when a token expires (ISO 8601), or null for never. Returns false when there is no such token. */
  setTokenExpiry(id: string, expiresAt: string | null): boolean
  /**
   * A value that changes whenever a token is revoked or given an expiry, by this process or another
   * (the CLI): polled by the sync hub, which re-checks its connections' tokens only when it changed.
   */
  tokenRevision(): string
  /** The newest audit rows of a document, newest first (at most `limit`). */
  audit(doc: string, limit?: number): AuditRecord[]
  /** Records who first wrote runs of text that an accepted update moved (see ProvenanceRow). */
  recordProvenance(doc: string, rows: readonly ProvenanceRow[]): void
  /** Every provenance row of a document, oldest first. */
  provenance(doc: string): ProvenanceRow[]
  /** Records a refused update in the audit (nothing of the update itself is stored). */
  recordRefusal(record: Omit<RefusalRecord, 'id'>): void
  /** The newest refusals of a document, newest first (at most `limit`). */
  refusals(doc: string, limit?: number): RefusalRecord[]
  /** Accepted updates and refusals of a document merged by time, oldest first (the newest `limit` when given). */
  auditEntries(doc: string, query?: AuditQuery): AuditEntry[]
  /** Stores a snapshot; returns its id, or null when a snapshot for the same document and COB date exists (another process took it). */
  insertSnapshot(record: Omit<SnapshotRecord, 'id'>): number | null
  /** The document's snapshots, oldest first, without their states. */
  listSnapshots(doc: string): SnapshotMeta[]
  /** One snapshot with its states, or null. Throws an IntegrityError when its stored bytes no longer match their hash. */
  getSnapshot(doc: string, id: number): SnapshotRecord | null
  /** The id of the newest update in the document's log (0 when none). */
  lastUpdateId(doc: string): number
  /** What each accepted update deleted, oldest first. */
  deletions(doc: string): DeletionRow[]
  /** Client ID → identity for the document (who first wrote with each client ID). */
  owners(doc: string): Map<number, string>
  /** Total bytes of update data stored (logs and compacted states). */
  bytesStored(): number
  /** What loading the document would cost (see LoadCost); null when there is no such document. */
  loadCost(name: string): LoadCost | null
  /** Closes the database. Further calls throw. */
  close(): void
}

/**
 * Thrown by any storage call when the database cannot be reached or does not answer in time
 * (PostgreSQL down, a network cut, a call past its timeout). Nothing was written when it is thrown
 * before a commit; the caller refuses the write and tells the client to try again later (close
 * 1013). Later calls succeed by themselves once the database is back.
 */
export class StorageUnavailableError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'StorageUnavailableError'
  }
}
