// SQLite storage: one database file, WAL, synchronous appends. Each accepted update is one
// row in `updates`, committed with its audit row before the caller broadcasts it.

import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import * as Y from 'yjs'
import { deletionsOfUpdate } from './deletions.ts'
import { tokenExpiryStorage } from './token-expiry.ts'
import type { Attribution, AuditRecord, DocRecord, KnownState, LoadedDoc, SnapshotMeta, Storage, TokenRecord } from './types.ts'
import type { Role } from '../../shared/protocol.ts'

/** The database file name inside the data directory. */
export const DB_FILE = 'podium.db'

const SCHEMA = `
CREATE TABLE IF NOT EXISTS docs (
  name TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_change TEXT
);
CREATE TABLE IF NOT EXISTS states (
  doc TEXT PRIMARY KEY REFERENCES docs(name),
  data BLOB NOT NULL,
  upto INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS updates (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  doc TEXT NOT NULL REFERENCES docs(name),
  data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS updates_doc ON updates(doc, id);
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  update_id INTEGER NOT NULL,
  doc TEXT NOT NULL,
  token_id TEXT,
  role TEXT NOT NULL,
  delegation TEXT,
  at TEXT NOT NULL,
  client_ids TEXT NOT NULL,
  bytes INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_doc ON audit(doc, id);
CREATE TABLE IF NOT EXISTS refusals (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  doc TEXT NOT NULL,
  token_id TEXT,
  role TEXT NOT NULL,
  delegation TEXT,
  at TEXT NOT NULL,
  rule TEXT NOT NULL,
  reason TEXT NOT NULL,
  bytes INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS refusals_doc ON refusals(doc, id);
CREATE TABLE IF NOT EXISTS client_owners (
  doc TEXT NOT NULL,
  client_id INTEGER NOT NULL,
  identity TEXT NOT NULL,
  PRIMARY KEY (doc, client_id)
);
CREATE TABLE IF NOT EXISTS tokens (
  id TEXT PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  delegation TEXT,
  label TEXT,
  doc TEXT,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS deletions (
  update_id INTEGER PRIMARY KEY,
  doc TEXT NOT NULL,
  identity TEXT NOT NULL,
  ds BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS deletions_doc ON deletions(doc, update_id);
CREATE TABLE IF NOT EXISTS snapshots (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  doc TEXT NOT NULL REFERENCES docs(name),
  label TEXT NOT NULL,
  created_at TEXT NOT NULL,
  taken_by TEXT NOT NULL,
  role TEXT NOT NULL,
  cob_date TEXT,
  sha256 TEXT NOT NULL,
  upto INTEGER NOT NULL,
  totals TEXT NOT NULL,
  snapshot BLOB NOT NULL,
  state BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS snapshots_doc ON snapshots(doc, id);
-- One COB snapshot per document and day, whichever server process takes it first.
CREATE UNIQUE INDEX IF NOT EXISTS snapshots_cob ON snapshots(doc, cob_date) WHERE cob_date IS NOT NULL;
-- Snapshots are immutable, like the audit trail.
CREATE TRIGGER IF NOT EXISTS snapshots_no_update BEFORE UPDATE ON snapshots BEGIN SELECT RAISE(ABORT, 'snapshots are immutable'); END;
CREATE TRIGGER IF NOT EXISTS snapshots_no_delete BEFORE DELETE ON snapshots BEGIN SELECT RAISE(ABORT, 'snapshots are immutable'); END;
-- The audit trail is append-only: the database itself refuses changes to it.
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER IF NOT EXISTS refusals_no_update BEFORE UPDATE ON refusals BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER IF NOT EXISTS refusals_no_delete BEFORE DELETE ON refusals BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
`

/** Options of the SQLite storage. */
export interface SqliteOptions {
  /** `full` (default) fsyncs every commit; `normal` survives a process crash but not a power cut. */
  synchronous?: 'full' | 'normal'
}

type DocRow = { name: string; title: string; created_at: string; last_change: string | null }
type SnapshotRow = { id: number; doc: string; label: string; created_at: string; taken_by: string; role: string; cob_date: string | null; sha256: string; upto: number; totals: string }
type TokenRow = { id: string; hash: string; role: string; delegation: string | null; label: string | null; doc: string | null; created_at: string; revoked_at: string | null; expires_at?: string | null }

function docRecord(r: DocRow): DocRecord {
  return { name: r.name, title: r.title, createdAt: r.created_at, lastChange: r.last_change }
}

function snapshotMeta(r: SnapshotRow): SnapshotMeta {
  return { id: r.id, doc: r.doc, label: r.label, createdAt: r.created_at, takenBy: r.taken_by, role: r.role, cobDate: r.cob_date, sha256: r.sha256, upto: r.upto, totals: JSON.parse(r.totals) }
}

function tokenRecord(r: TokenRow): TokenRecord {
  return { id: r.id, hash: r.hash, role: r.role as Role, delegation: r.delegation, label: r.label, doc: r.doc, createdAt: r.created_at, revokedAt: r.revoked_at, expiresAt: r.expires_at ?? null }
}

/** One update to append with its attribution. */
export interface PendingAppend {
  update: Uint8Array
  attribution: Attribution
  /**
   * The update's deletion record (`encodeDeletions` of its delete set) when the caller already has
   * it, as a room does from its Yjs transaction; otherwise storage decodes the update for it.
   */
  deletions?: Uint8Array | null
}

/**
 * What SQLite storage adds to Storage: appending several updates in one transaction, so a burst
 * costs one commit (one fsync with synchronous=full) instead of one each.
 */
export interface BatchAppend {
  /** Appends every update in order, all or none; returns their ids. */
  appendMany(name: string, items: readonly PendingAppend[]): number[]
}

/**
 * Opens (creating when needed) the database `podium.db` in `dataDir` and returns the Storage on it.
 * Throws when the directory cannot be created or the file is not a Podium database.
 */
export function openSqliteStorage(dataDir: string, options: SqliteOptions = {}): Storage & BatchAppend {
  if (typeof dataDir !== 'string' || !dataDir) throw new RangeError(`data directory ${JSON.stringify(dataDir)} is not a path`)
  mkdirSync(dataDir, { recursive: true })
  const db = new Database(join(dataDir, DB_FILE))
  // Another process (the `podium token` CLI, or a second command started at the same moment) may
  // hold the lock, even while the first of them switches the file to WAL: wait rather than fail.
  db.pragma('busy_timeout = 5000')
  db.pragma('journal_mode = WAL')
  db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`)
  db.pragma('foreign_keys = ON')
  db.exec(SCHEMA)
  const tokenExpiry = tokenExpiryStorage(db)

  const q = {
    insertDoc: db.prepare('INSERT OR IGNORE INTO docs (name, title, created_at, last_change) VALUES (?, ?, ?, NULL)'),
    getDoc: db.prepare<[string], DocRow>('SELECT * FROM docs WHERE name = ?'),
    listDocs: db.prepare<[], DocRow>('SELECT * FROM docs ORDER BY name'),
    setTitle: db.prepare('UPDATE docs SET title = ? WHERE name = ?'),
    touch: db.prepare('UPDATE docs SET last_change = ? WHERE name = ?'),
    state: db.prepare<[string], { data: Buffer; upto: number }>('SELECT data, upto FROM states WHERE doc = ?'),
    updatesAfter: db.prepare<[string, number], { id: number; data: Buffer }>('SELECT id, data FROM updates WHERE doc = ? AND id > ? ORDER BY id'),
    pending: db.prepare<[string, number], { n: number }>('SELECT COUNT(*) AS n FROM updates WHERE doc = ? AND id > ?'),
    insertUpdate: db.prepare('INSERT INTO updates (doc, data) VALUES (?, ?)'),
    insertAudit: db.prepare('INSERT INTO audit (update_id, doc, token_id, role, delegation, at, client_ids, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    owners: db.prepare<[string], { client_id: number; identity: string }>('SELECT client_id, identity FROM client_owners WHERE doc = ?'),
    insertOwner: db.prepare('INSERT OR IGNORE INTO client_owners (doc, client_id, identity) VALUES (?, ?, ?)'),
    upsertState: db.prepare('INSERT INTO states (doc, data, upto) VALUES (?, ?, ?) ON CONFLICT(doc) DO UPDATE SET data = excluded.data, upto = excluded.upto'),
    deleteUpTo: db.prepare('DELETE FROM updates WHERE doc = ? AND id <= ?'),
    insertToken: db.prepare('INSERT INTO tokens (id, hash, role, delegation, label, doc, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    tokenByHash: db.prepare<[string], TokenRow>('SELECT * FROM tokens WHERE hash = ?'),
    tokenById: db.prepare<[string], TokenRow>('SELECT * FROM tokens WHERE id = ?'),
    listTokens: db.prepare<[], TokenRow>('SELECT * FROM tokens ORDER BY created_at, rowid'),
    revoke: db.prepare('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    audit: db.prepare<[string, number], { id: number; update_id: number; doc: string; token_id: string | null; role: string; delegation: string | null; at: string; client_ids: string; bytes: number }>('SELECT * FROM audit WHERE doc = ? ORDER BY id DESC LIMIT ?'),
    insertRefusal: db.prepare('INSERT INTO refusals (doc, token_id, role, delegation, at, rule, reason, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    refusals: db.prepare<[string, number], { id: number; doc: string; token_id: string | null; role: string; delegation: string | null; at: string; rule: string; reason: string; bytes: number }>('SELECT * FROM refusals WHERE doc = ? ORDER BY id DESC LIMIT ?'),
    insertDeletion: db.prepare('INSERT INTO deletions (update_id, doc, identity, ds) VALUES (?, ?, ?, ?)'),
    deletions: db.prepare<[string], { update_id: number; identity: string; ds: Buffer }>('SELECT update_id, identity, ds FROM deletions WHERE doc = ? ORDER BY update_id'),
    insertSnapshot: db.prepare('INSERT OR IGNORE INTO snapshots (doc, label, created_at, taken_by, role, cob_date, sha256, upto, totals, snapshot, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    listSnapshots: db.prepare<[string], SnapshotRow>('SELECT id, doc, label, created_at, taken_by, role, cob_date, sha256, upto, totals FROM snapshots WHERE doc = ? ORDER BY id'),
    getSnapshot: db.prepare<[string, number], SnapshotRow & { snapshot: Buffer; state: Buffer }>('SELECT * FROM snapshots WHERE doc = ? AND id = ?'),
    lastUpdate: db.prepare<[string], { id: number | null }>('SELECT MAX(id) AS id FROM updates WHERE doc = ?'),
    bytes: db.prepare<[], { n: number | null }>('SELECT (SELECT COALESCE(SUM(LENGTH(data)), 0) FROM updates) + (SELECT COALESCE(SUM(LENGTH(data)), 0) FROM states) AS n')
  }

  const uptoOf = (name: string): number => q.state.get(name)?.upto ?? 0

  // One update's rows; callers run it inside their transaction (a nested db.transaction would add
  // a SAVEPOINT and its RELEASE per update to a batch).
  const appendRow = (name: string, update: Uint8Array, a: Attribution, at: string, deletions?: Uint8Array | null): number => {
    const id = Number(q.insertUpdate.run(name, update).lastInsertRowid)
    q.insertAudit.run(id, name, a.tokenId, a.role, a.delegation, at, JSON.stringify(a.clientIds), update.byteLength)
    const ds = deletions === undefined ? deletionsOfUpdate(update) : deletions
    if (ds) q.insertDeletion.run(id, name, a.identity, ds)
    for (const client of a.clientIds) q.insertOwner.run(name, client, a.identity)
    return id
  }

  const appendTx = db.transaction((name: string, update: Uint8Array, a: Attribution, at: string): number => {
    const id = appendRow(name, update, a, at)
    q.touch.run(at, name)
    return id
  })

  const appendManyTx = db.transaction((name: string, items: readonly PendingAppend[], at: string): number[] => {
    const ids = items.map((item) => appendRow(name, item.update, item.attribution, at, item.deletions))
    q.touch.run(at, name)
    return ids
  })

  const createTx = db.transaction((name: string, title: string, initial: Uint8Array, a: Attribution): boolean => {
    const now = new Date().toISOString()
    if (q.insertDoc.run(name, title, now).changes === 0) return false
    appendRow(name, initial, a, now)
    q.touch.run(now, name)
    return true
  })

  // One read transaction, so a compaction by another process cannot fall between the state and its log.
  const loadTx = db.transaction((name: string): LoadedDoc | null => {
    const row = q.getDoc.get(name)
    if (!row) return null
    const state = q.state.get(name)
    const updates: Uint8Array[] = []
    let upto = state?.upto ?? 0
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
    // The holder's encoding costs about as much as one merge of the state with a few updates, and
    // nothing more as the log grows, where merging thousands of rows takes hundreds of ms.
    if (known && known.upto === last) {
      merged = known.encode()
    } else {
      const state = q.state.get(name)
      const rows = q.updatesAfter.all(name, from)
      const parts = state ? [state.data, ...rows.map((r) => r.data)] : rows.map((r) => r.data)
      merged = Y.mergeUpdates(parts.map((p) => new Uint8Array(p.buffer, p.byteOffset, p.byteLength)))
    }
    const rows = q.pending.get(name, from)?.n ?? 0
    q.upsertState.run(name, merged, last)
    q.deleteUpTo.run(name, last)
    return rows
  })

  return {
    createDoc: (name, title, initial, attribution) => createTx(name, title, initial, attribution),
    getDoc: (name) => {
      const row = q.getDoc.get(name)
      return row ? docRecord(row) : null
    },
    listDocs: () => q.listDocs.all().map(docRecord),
    setTitle: (name, title) => q.setTitle.run(title, name).changes > 0,
    load: (name) => loadTx(name),
    append: (name, update, attribution) => appendTx(name, update, attribution, new Date().toISOString()),
    appendMany: (name, items) => appendManyTx(name, items, new Date().toISOString()),
    compact: (name, known) => compactTx(name, known),
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
    recordRefusal: (r) => { q.insertRefusal.run(r.doc, r.tokenId, r.role, r.delegation, r.at, r.rule, r.reason, r.bytes) },
    refusals: (doc, limit = 100) => q.refusals.all(doc, limit).map((r) => ({
      id: r.id, doc: r.doc, tokenId: r.token_id, role: r.role, delegation: r.delegation, at: r.at, rule: r.rule, reason: r.reason, bytes: r.bytes
    })),
    insertSnapshot: (r) => {
      const res = q.insertSnapshot.run(r.doc, r.label, r.createdAt, r.takenBy, r.role, r.cobDate, r.sha256, r.upto, JSON.stringify(r.totals), r.snapshot, r.state)
      return res.changes > 0 ? Number(res.lastInsertRowid) : null
    },
    listSnapshots: (doc) => q.listSnapshots.all(doc).map(snapshotMeta),
    getSnapshot: (doc, id) => {
      const row = q.getSnapshot.get(doc, id)
      return row ? { ...snapshotMeta(row), snapshot: new Uint8Array(row.snapshot), state: new Uint8Array(row.state) } : null
    },
    lastUpdateId: (doc) => q.lastUpdate.get(doc)?.id ?? uptoOf(doc),
    deletions: (doc) => q.deletions.all(doc).map((r) => ({ updateId: r.update_id, identity: r.identity, ds: new Uint8Array(r.ds) })),
    owners: (doc) => {
      const owners = new Map<number, string>()
      for (const o of q.owners.all(doc)) owners.set(o.client_id, o.identity)
      return owners
    },
    bytesStored: () => q.bytes.get()?.n ?? 0,
    close: () => {
      if (db.open) db.close()
    }
  }
}
