// PostgreSQL storage: the whole Storage contract (and what SQLite storage adds) on a PostgreSQL
// database, for several Podium servers sharing one meeting. Calls are synchronous, as the contract
// is: each runs in a worker thread that owns the connection pool, the caller blocking until it
// answers (bridge.ts) or CALL_TIMEOUT_MS passes (StorageUnavailableError). The start… calls are
// started without blocking: startAppendMany and startCompact, so that a room's slow commit or
// compaction does not stall its server's loop (sync/room-flush.ts, sync/room-compaction.ts), and
// the periodic reads of ../checks.ts.

import type { AsyncChecks } from '../checks.ts'
import type { AsyncAppend, BatchAppend, PendingAppend } from '../append-types.ts'
import type { IntegrityCheck, DocSizes } from '../sqlite.ts'
import { StorageUnavailableError, type LoadedDoc, type Storage } from '../types.ts'
import { verifyRows } from '../verify.ts'
import { SyncBridge } from './bridge.ts'
import { COMPACT_TIMEOUT_MS, OPEN_TIMEOUT_MS, parsePostgresUrl } from './config.ts'
import type { WireAppend, WireLoaded } from './store-log.ts'
import type { ImportResult, MeetingDump } from './store-import.ts'
import { postgresSource } from './verify-source.ts'

export { CALL_TIMEOUT_MS, OPEN_TIMEOUT_MS, parsePostgresUrl, type PostgresTarget } from './config.ts'
export { IMPORT_TABLES, type ImportResult, type MeetingDump, type TableRows } from './store-import.ts'
export { StorageUnavailableError }

/** How long `importMeeting` may take, in ms: a whole meeting in one transaction. */
export const IMPORT_TIMEOUT_MS = 10 * 60_000

/** What PostgreSQL storage adds for `podium migrate`. */
export interface MeetingImport {
  /** True when the database holds no meeting yet (no document, token, audit row, refusal or snapshot). */
  isEmpty(): boolean
  /** Writes a whole meeting as stored (ids and hashes kept) in one transaction, or nothing when the target already holds one. */
  importMeeting(dump: MeetingDump): ImportResult
}

/** PostgreSQL storage: Storage and what SQLite storage adds, with backup left to pg_dump. */
export type PostgresStorage = Storage & BatchAppend & AsyncAppend & AsyncChecks & IntegrityCheck & DocSizes & MeetingImport & {
  /** The URL it was opened with, password hidden. */
  readonly where: string
}

const WORKER_ENTRY = new URL('./entry.mjs', import.meta.url)

/** Options of openPostgresStorage. */
export interface PostgresOptions {
  /**
   * Open the meeting as it is: no schema created, no migration, no trigger recreated (what
   * `podium verify` needs: a dropped trigger is reported, not repaired). A RangeError when the
   * schema holds no Podium meeting.
   */
  asIs?: boolean
}

/**
 * Opens the meeting at `url` (`postgres://user@host:5432/db`, optionally `?schema=NAME`, created
 * when missing), running pending migrations. Throws RangeError for a malformed URL and
 * StorageUnavailableError when PostgreSQL cannot be reached within OPEN_TIMEOUT_MS.
 */
export function openPostgresStorage (url: string, options: PostgresOptions = {}): PostgresStorage {
  const target = parsePostgresUrl(url)
  const bridge = new SyncBridge(WORKER_ENTRY, { connectionString: target.connectionString, schema: target.schema, display: target.display }, target.display)
  let openWarnings: string[]
  try {
    openWarnings = bridge.open<string[]>('open', [options.asIs === true], OPEN_TIMEOUT_MS)
  } catch (err) {
    bridge.close()
    throw err
  }
  const call = <T>(op: string, ...args: unknown[]): T => bridge.call<T>(op, args)
  const appendMany = (name: string, items: readonly WireAppend[], fence?: number): number[] => call('appendMany', name, items, fence)
  const wire = (items: readonly PendingAppend[]): WireAppend[] => items.map((i) => ({ update: i.update, attribution: i.attribution, deletions: i.deletions }))

  return {
    where: target.display,
    createDoc: (name, title, initial, attribution) => call('createDoc', name, title, initial, attribution),
    getDoc: (name) => call('getDoc', name),
    listDocs: () => call('listDocs'),
    setTitle: (name, title) => call('setTitle', name, title),
    load: (name) => {
      const w = call<WireLoaded | null>('load', name)
      return w ? { ...w, owners: new Map(w.owners) } satisfies LoadedDoc : null
    },
    append: (name, update, attribution, fence) => appendMany(name, [{ update, attribution }], fence)[0],
    appendMany: (name, items, fence) => appendMany(name, wire(items), fence),
    startAppendMany: (name, items, fence) => bridge.start<number[]>('appendMany', [name, wire(items), fence]),
    startCompact: (name, known) => bridge.start<number>('compact', [name, known ? { upto: known.upto, state: known.state, structs: known.structs } : undefined], COMPACT_TIMEOUT_MS),
    setDocMeta: (name, patch) => call('setDocMeta', name, patch),
    getSetting: (key) => call('getSetting', key),
    setSetting: (key, value) => call('setSetting', key, value),
    acquireLease: (doc, holder, ttlMs) => call('acquireLease', doc, holder, ttlMs),
    startAcquireLease: (doc, holder, ttlMs) => bridge.start('acquireLease', [doc, holder, ttlMs]),
    releaseLease: (doc, holder) => call('releaseLease', doc, holder),
    leaseOf: (doc) => call('leaseOf', doc),
    startLeaseOf: (doc) => bridge.start('leaseOf', [doc]),
    compact: (name, known) => {
      // The holder's encoding is sent only when it covers the whole log (the worker checks again, in its transaction).
      if (!known) return call('compact', name)
      const plan = call<{ last: number; pending: number }>('compactPlan', name)
      if (plan.pending === 0) return 0
      return call('compact', name, known.upto === plan.last ? { upto: known.upto, state: known.encode(), structs: known.structs } : undefined)
    },
    pendingCount: (name) => call('pendingCount', name),
    insertToken: (record) => call('insertToken', record),
    tokenByHash: (hash) => call('tokenByHash', hash),
    tokenById: (id) => call('tokenById', id),
    startTokensById: (ids) => bridge.start('tokensById', [ids]),
    listTokens: () => call('listTokens'),
    revokeToken: (id) => call('revokeToken', id),
    setTokenExpiry: (id, expiresAt) => call('setTokenExpiry', id, expiresAt),
    tokenRevision: () => call('tokenRevision'),
    startTokenRevision: () => bridge.start('tokenRevision'),
    audit: (doc, limit) => call('audit', doc, limit),
    recordProvenance: (doc, rows) => call('recordProvenance', doc, rows),
    provenance: (doc) => call('provenance', doc),
    recordRefusal: (record) => call('recordRefusal', record),
    refusals: (doc, limit) => call('refusals', doc, limit),
    auditEntries: (doc, query) => call('auditEntries', doc, query),
    insertSnapshot: (record) => call('insertSnapshot', record),
    listSnapshots: (doc) => call('listSnapshots', doc),
    getSnapshot: (doc, id) => call('getSnapshot', doc, id),
    lastUpdateId: (doc) => call('lastUpdateId', doc),
    deletions: (doc) => call('deletions', doc),
    owners: (doc) => new Map(call<Array<[number, string]>>('owners', doc)),
    bytesStored: () => call('bytesStored'),
    docBytes: (name) => call('docBytes', name),
    loadCost: (name) => call('loadCost', name),
    docHeads: () => new Map(call<Array<[string, number]>>('docHeads')),
    // A consistent copy of a PostgreSQL database is pg_dump's job (docs/server.md), not Podium's.
    backup: async () => { throw new RangeError(`podium backup copies an embedded (SQLite) meeting; back up ${target.display} with pg_dump (see docs/server.md)`) },
    verify: (options) => verifyRows(postgresSource(bridge), options),
    openWarnings,
    isEmpty: () => call('isEmpty'),
    importMeeting: (dump) => bridge.call('importMeeting', [dump], IMPORT_TIMEOUT_MS),
    close: () => bridge.close()
  }
}
