// SQLite storage: one database file, WAL, synchronous appends. Each accepted update is one
// row in `updates`, committed with its audit row before the caller broadcasts it.

import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import * as Y from 'yjs'
import { auditHash, GENESIS, IntegrityError, refusalHash, snapshotSeal, stateHash, updateLink } from './chain.ts'
import { deletionsOfUpdate } from './deletions.ts'
import { prepareSchema } from './migrate.ts'
import { snapshotParts, writesInParts, type WrittenParts } from './snapshot-parts.ts'
import { tokenExpiryStorage } from './token-expiry.ts'
import { docMetaStorage } from './doc-meta.ts'
import { addStateStructs, TABLES } from './sqlite-schema.ts'
import { docRecord, prepareStatements, snapshotMeta, tokenRecord, type SnapshotFullRow } from './sqlite-statements.ts'
import type { PendingAppend, BatchAppend } from './append-types.ts'
import type { ProvenanceRow, Attribution, AuditEntry, KnownState, LoadCost, LoadedDoc, RefusalRecord, SnapshotRecord, Storage } from './types.ts'
import { verifyDatabase, type VerifyOptions, type VerifyReport } from './verify.ts'

// What a pieced snapshot's row holds in its inline columns (NOT NULL): its bytes are in snapshot_parts.
const EMPTY = Buffer.alloc(0)

/** The database file name inside the data directory. */
export const DB_FILE = 'podium.db'

/** Options of the SQLite storage. */
export interface SqliteOptions {
  /** `full` (default) fsyncs every commit; `normal` survives a process crash but not a power cut. */
  synchronous?: 'full' | 'normal'
  /**
   * Pause after each piece of a large snapshot (default true), so other connections' appends take the
   * write lock in between. False on the server's own connection, whose sleeps would stall the event
   * loop its live appends run on: the appends that matter are its own. (It writes no snapshot today:
   * REST and COB snapshots are taken in the work pool's threads, which pause.)
   */
  pieceGaps?: boolean
}

/** What SQLite storage adds for quotas, the document list and backups (issue 12). */
export interface DocSizes {
  /** Bytes stored for one document: its compacted state and its log. */
  docBytes(name: string): number
  /** What loading the document would cost (Storage.loadCost). */
  loadCost(name: string): LoadCost | null
  /** Every document's head (the id of its newest update; 0 before any), one query: what changed since a read. */
  docHeads(): Map<string, number>
  /** A consistent copy of the whole database in `file`, taken with SQLite's online backup while others write. */
  backup(file: string): Promise<void>
}

/** What SQLite storage adds for tamper evidence: checking its hash chains, and what opening it found. */
export interface IntegrityCheck {
  /** Checks the hash chains, snapshots, audit continuity and triggers (see verify.ts). */
  verify(options?: VerifyOptions): VerifyReport
  /** Warnings from opening the database (a dropped trigger recreated), in words; also recorded for `podium verify`. */
  readonly openWarnings: readonly string[]
}

/**
 * Opens (creating when needed) the database `podium.db` in `dataDir` and returns the Storage on it.
 * Throws when the directory cannot be created or the file is not a Podium database.
 */
export function openSqliteStorage(dataDir: string, options: SqliteOptions = {}): Storage & BatchAppend & IntegrityCheck & DocSizes {
  if (typeof dataDir !== 'string' || !dataDir) throw new RangeError(`data directory ${JSON.stringify(dataDir)} is not a path`)
  mkdirSync(dataDir, { recursive: true })
  const db = new Database(join(dataDir, DB_FILE))
  // Another process (the `podium token` CLI, or a second command started at the same moment) may
  // hold the lock, even while the first of them switches the file to WAL: wait rather than fail.
  db.pragma('busy_timeout = 5000')
  db.pragma('journal_mode = WAL')
  db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`)
  db.pragma('foreign_keys = ON')
  const openWarnings = prepareSchema(db, TABLES)
  addStateStructs(db)
  const parts = snapshotParts(db, { gaps: options.pieceGaps })
  parts.removeLeftovers()
  const tokenExpiry = tokenExpiryStorage(db)
  const { checkFence, ...docMeta } = docMetaStorage(db)

  const q = prepareStatements(db)

  const uptoOf = (name: string): number => q.state.get(name)?.upto ?? 0

  // The heads of the chains a write transaction extends. They are read inside the transaction (one
  // primary-key lookup each, once per batch) because another process — the CLI — may have appended.
  interface Heads { doc: string; docId: number; audit: string }
  const headsOf = (name: string): Heads => {
    const h = q.head.get(name)
    return { doc: h?.head_hash ?? GENESIS, docId: h?.head_id ?? 0, audit: q.auditHead.get()?.hash ?? GENESIS }
  }

  // One update's rows, extending `heads`; callers run it inside their transaction (a nested
  // db.transaction would add a SAVEPOINT and its RELEASE per update to a batch).
  const appendRow = (name: string, update: Uint8Array, a: Attribution, at: string, heads: Heads, deletions?: Uint8Array | null): number => {
    const clientIds = JSON.stringify(a.clientIds)
    const sender = { tokenId: a.tokenId, role: a.role, delegation: a.delegation, identity: a.identity, at, clientIds }
    const link = updateLink(heads.doc, name, update, sender)
    const id = Number(q.insertUpdate.run(name, update, heads.doc, link).lastInsertRowid)
    const hash = auditHash(heads.audit, { ...sender, updateId: id, doc: name, bytes: update.byteLength, link })
    q.insertAudit.run(id, name, a.tokenId, a.role, a.delegation, at, clientIds, update.byteLength, a.identity, link, heads.audit, hash)
    heads.doc = link
    heads.docId = id
    heads.audit = hash
    const ds = deletions === undefined ? deletionsOfUpdate(update) : deletions
    if (ds) q.insertDeletion.run(id, name, a.identity, ds)
    for (const client of a.clientIds) q.insertOwner.run(name, client, a.identity)
    return id
  }

  // Write transactions that read a chain head first begin IMMEDIATE: they take the write lock (waiting
  // busy_timeout for it) before reading, so no other process can append between the read and the write.
  const appendTx = db.transaction((name: string, update: Uint8Array, a: Attribution, at: string, fence?: number): number => {
    if (fence !== undefined) checkFence(name, fence)
    const heads = headsOf(name)
    const id = appendRow(name, update, a, at, heads)
    q.touch.run(at, heads.docId, heads.doc, name)
    return id
  })

  const appendManyTx = db.transaction((name: string, items: readonly PendingAppend[], at: string, fence?: number): number[] => {
    if (fence !== undefined) checkFence(name, fence)
    const heads = headsOf(name)
    const ids = items.map((item) => appendRow(name, item.update, item.attribution, at, heads, item.deletions))
    q.touch.run(at, heads.docId, heads.doc, name)
    return ids
  })

  const createTx = db.transaction((name: string, title: string, initial: Uint8Array, a: Attribution): boolean => {
    const now = new Date().toISOString()
    if (q.insertDoc.run(name, title, now).changes === 0) return false
    const heads = headsOf(name)
    appendRow(name, initial, a, now, heads)
    q.touch.run(now, heads.docId, heads.doc, name)
    return true
  })

  const refusalTx = db.transaction((r: Omit<RefusalRecord, 'id'>): void => {
    const prev = q.refusalHead.get()?.hash ?? GENESIS
    q.insertRefusal.run(r.doc, r.tokenId, r.role, r.delegation, r.at, r.rule, r.reason, r.bytes, prev, refusalHash(prev, r))
  })

  // The chain head a snapshot covers: update `upto`'s link (the document's head when taken in one turn).
  // A link never changes once written, so this may be read before the write transaction.
  const headAt = (doc: string, upto: number): string => {
    const h = q.head.get(doc)
    return h && h.head_id === upto ? h.head_hash : q.linkOf.get(upto, doc)?.hash ?? (q.state.get(doc)?.upto === upto ? q.state.get(doc)?.head ?? GENESIS : GENESIS)
  }

  const snapshotTx = db.transaction((r: Omit<SnapshotRecord, 'id'>): number | null => {
    const head = headAt(r.doc, r.upto)
    const prev = q.lastSeal.get(r.doc)?.seal ?? GENESIS
    const totals = JSON.stringify(r.totals)
    const seal = snapshotSeal(prev, { ...r, totals, head })
    const res = q.insertSnapshot.run(r.doc, r.label, r.createdAt, r.takenBy, r.role, r.cobDate, r.sha256, r.upto, totals, r.snapshot, r.state, head, prev, seal, null)
    return res.changes > 0 ? Number(res.lastInsertRowid) : null
  })

  // A read transaction: the head and the last seal as of one moment.
  const sealBasis = db.transaction((doc: string, upto: number) => ({ head: headAt(doc, upto), prev: q.lastSeal.get(doc)?.seal ?? GENESIS }))

  // The small last transaction of a pieced snapshot: its row, sealed over pieces already written.
  // 'moved' when another snapshot of the document landed since the seal was computed over `prev`.
  const sealPartsTx = db.transaction((r: Omit<SnapshotRecord, 'id'>, totals: string, head: string, prev: string, seal: string, written: WrittenParts): number | null | 'moved' => {
    if ((q.lastSeal.get(r.doc)?.seal ?? GENESIS) !== prev) return 'moved'
    if (!parts.intact(written)) throw new Error(`${r.doc}: the pieces of snapshot "${r.label}" were removed while it was written`)
    const res = q.insertSnapshot.run(r.doc, r.label, r.createdAt, r.takenBy, r.role, r.cobDate, r.sha256, r.upto, totals, EMPTY, EMPTY, head, prev, seal, written.batch)
    if (res.changes === 0) return null
    parts.finish(written.batch)
    return Number(res.lastInsertRowid)
  })

  // A large snapshot: everything costly (the seal's hash over its bytes, writing them) outside the
  // write lock, or in pieces that hold it briefly each; the row that seals them is one small insert.
  const insertPieced = (r: Omit<SnapshotRecord, 'id'>): number | null => {
    const totals = JSON.stringify(r.totals)
    let { head, prev } = sealBasis(r.doc, r.upto)
    let seal = snapshotSeal(prev, { ...r, totals, head })
    const written = parts.write(r.doc, [r.snapshot, r.state])
    try {
      for (;;) {
        const out = sealPartsTx.immediate(r, totals, head, prev, seal, written)
        if (out !== 'moved') {
          // A COB race lost (INSERT OR IGNORE found the day's COB taken): its pieces go at once.
          if (out === null) parts.remove(written.batch)
          return out
        }
        ;({ head, prev } = sealBasis(r.doc, r.upto))
        seal = snapshotSeal(prev, { ...r, totals, head })
      }
    } catch (err) {
      parts.remove(written.batch)
      throw err
    }
  }

  // Reads a snapshot row's encodings, from its pieces when it has them.
  const blobsOf = (row: SnapshotFullRow): { snapshot: Buffer; state: Buffer } => ({ snapshot: parts.read(row.parts, 0, row.snapshot), state: parts.read(row.parts, 1, row.state) })

  const readSnapshotTx = db.transaction((doc: string, id: number) => {
    const row = q.getSnapshot.get(doc, id)
    return row ? { row, ...blobsOf(row) } : null
  })

  // One read transaction, so a compaction by another process cannot fall between the state and its log.
  const loadTx = db.transaction((name: string): LoadedDoc | null => {
    const row = q.getDoc.get(name)
    if (!row) return null
    const state = q.state.get(name)
    const updates: Uint8Array[] = []
    let upto = state?.upto ?? 0
    // A compacted state is re-hashed on every load (a few ms for megabytes): a changed one is never served.
    if (state && state.hash !== stateHash(name, state.upto, state.head ?? GENESIS, state.data)) {
      throw new IntegrityError(`${name}: the compacted state (updates up to ${state.upto}) does not match its hash (changed after it was written)`)
    }
    if (state) updates.push(new Uint8Array(state.data))
    for (const r of q.updatesAfter.all(name, state?.upto ?? 0)) {
      updates.push(new Uint8Array(r.data))
      upto = r.id
    }
    const owners = new Map<number, string>()
    for (const o of q.owners.all(name)) owners.set(o.client_id, o.identity)
    return { record: docRecord(row), updates, upto, owners }
  })

  const compactTx = db.transaction((name: string, known?: KnownState): number => {
    const from = uptoOf(name)
    const last = q.lastUpdate.get(name)?.id ?? null
    if (last === null || last <= from) return 0
    let merged: Uint8Array
    let structs: number | null = null
    // The holder's encoding costs about as much as one merge of the state with a few updates, and
    // nothing more as the log grows, where merging thousands of rows takes hundreds of ms.
    if (known && known.upto === last) {
      merged = known.encode()
      structs = known.structs ?? null
    } else {
      const state = q.state.get(name)
      const rows = q.updatesAfter.all(name, from)
      const parts = state ? [state.data, ...rows.map((r) => r.data)] : rows.map((r) => r.data)
      merged = Y.mergeUpdates(parts.map((p) => new Uint8Array(p.buffer, p.byteOffset, p.byteLength)))
    }
    const rows = q.pending.get(name, from)?.n ?? 0
    // The state records the chain head it covers, so the rows after it continue the chain verifiably.
    const head = q.linkOf.get(last, name)?.hash ?? GENESIS
    q.upsertState.run(name, merged, last, head, stateHash(name, last, head, merged), structs)
    q.deleteUpTo.run(name, last)
    return rows
  })

  const provenanceTx = db.transaction((doc: string, rows: readonly ProvenanceRow[]) => {
    for (const r of rows) q.insertProvenance.run(doc, r.client, r.clock, r.len, r.identity)
  })

  return {
    createDoc: (name, title, initial, attribution) => createTx.immediate(name, title, initial, attribution),
    getDoc: (name) => {
      const row = q.getDoc.get(name)
      return row ? docRecord(row) : null
    },
    listDocs: () => q.listDocs.all().map(docRecord),
    setTitle: (name, title) => q.setTitle.run(title, name).changes > 0,
    load: (name) => loadTx(name),
    append: (name, update, attribution, fence) => appendTx.immediate(name, update, attribution, new Date().toISOString(), fence),
    appendMany: (name, items, fence) => appendManyTx.immediate(name, items, new Date().toISOString(), fence),
    ...docMeta,
    compact: (name, known) => compactTx.immediate(name, known),
    pendingCount: (name) => q.pending.get(name, uptoOf(name))?.n ?? 0,
    insertToken: (t) => { q.insertToken.run(t.id, t.hash, t.role, t.delegation, t.label, t.doc, t.createdAt, t.revokedAt) },
    tokenByHash: (hash) => {
      const row = q.tokenByHash.get(hash)
      return row ? tokenRecord(row) : null
    },
    tokenById: (id) => {
      const row = q.tokenById.get(id)
      return row ? tokenRecord(row) : null
    },
    listTokens: () => q.listTokens.all().map(tokenRecord),
    revokeToken: (id) => q.revoke.run(new Date().toISOString(), id).changes > 0,
    ...tokenExpiry,
    audit: (doc, limit = 100) => q.audit.all(doc, limit).map((r) => ({
      id: r.id, updateId: r.update_id, doc: r.doc, tokenId: r.token_id, role: r.role, delegation: r.delegation, at: r.at, clientIds: JSON.parse(r.client_ids) as number[], bytes: r.bytes
    })),
    recordProvenance: (doc, rows) => provenanceTx(doc, rows),
    provenance: (doc) => q.provenance.all(doc),
    recordRefusal: (r) => refusalTx.immediate(r),
    refusals: (doc, limit = 100) => q.refusals.all(doc, limit).map((r) => ({
      id: r.id, doc: r.doc, tokenId: r.token_id, role: r.role, delegation: r.delegation, at: r.at, rule: r.rule, reason: r.reason, bytes: r.bytes
    })),
    auditEntries: (doc, query = {}) => q.entries.all({ doc, since: query.since ?? '', delegation: query.delegation ?? null, limit: query.limit ?? -1 }).reverse().map((r): AuditEntry => ({
      kind: r.kind, id: r.id, doc, at: r.at, tokenId: r.token_id, role: r.role, delegation: r.delegation, identity: r.identity, bytes: r.bytes,
      updateId: r.update_id, clientIds: r.client_ids === null ? null : JSON.parse(r.client_ids) as number[], rule: r.rule, reason: r.reason
    })),
    insertSnapshot: (r) => (writesInParts(r.snapshot, r.state) ? insertPieced(r) : snapshotTx.immediate(r)),
    listSnapshots: (doc) => q.listSnapshots.all(doc).map(snapshotMeta),
    getSnapshot: (doc, id) => {
      // One read transaction: the row and its pieces as of one moment.
      const got = readSnapshotTx(doc, id)
      if (!got) return null
      const { row, snapshot, state } = got
      // Re-hashed on every read: a snapshot changed in the file is an error, never served as if intact.
      const seal = snapshotSeal(row.prev ?? GENESIS, { doc: row.doc, label: row.label, createdAt: row.created_at, takenBy: row.taken_by, role: row.role, cobDate: row.cob_date, sha256: row.sha256, upto: row.upto, totals: row.totals, head: row.head ?? GENESIS, snapshot, state })
      if (seal !== row.seal) throw new IntegrityError(`${doc}: snapshot ${id} does not match its hash (changed after it was written)`)
      return { ...snapshotMeta(row), snapshot: new Uint8Array(snapshot), state: new Uint8Array(state) }
    },
    lastUpdateId: (doc) => q.lastUpdate.get(doc)?.id ?? uptoOf(doc),
    deletions: (doc) => q.deletions.all(doc).map((r) => ({ updateId: r.update_id, identity: r.identity, ds: new Uint8Array(r.ds) })),
    owners: (doc) => {
      const owners = new Map<number, string>()
      for (const o of q.owners.all(doc)) owners.set(o.client_id, o.identity)
      return owners
    },
    bytesStored: () => q.bytes.get()?.n ?? 0,
    docBytes: (name) => q.docBytes.get(name, name)?.n ?? 0,
    loadCost: (name) => {
      const r = q.loadCost.get(name)
      if (!r) return null
      const state = r.state_bytes ?? 0
      return { bytes: state + r.log_bytes, structs: r.structs ?? 0, uncountedBytes: r.log_bytes + (r.structs === null ? state : 0) }
    },
    docHeads: () => new Map(q.docHeads.all().map((r) => [r.name, r.head_id])),
    backup: async (file) => { await db.backup(file) },
    verify: (options) => verifyDatabase(db, options),
    openWarnings,
    close: () => {
      if (db.open) db.close()
    }
  }
}
