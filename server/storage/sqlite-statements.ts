// The SQLite storage's prepared statements, the rows they read and those rows as storage records.

import type Database from 'better-sqlite3'
import { visibilityOf } from './doc-meta.ts'
import type { DocRecord, SnapshotMeta, TokenRecord } from './types.ts'
import type { Role } from '../../shared/protocol.ts'

/** A row of `docs` (the columns added later are absent from rows read before the migration ran). */
type DocRow = { name: string; title: string; created_at: string; last_change: string | null; visibility?: string; archived_at?: string | null; header?: string | null }
/** A row of `snapshots` without its encodings: what a snapshot list reads. */
type SnapshotRow = { id: number; doc: string; label: string; created_at: string; taken_by: string; role: string; cob_date: string | null; sha256: string; upto: number; totals: string }
/** A whole row of `snapshots`; `parts` names its pieces when its encodings are in snapshot_parts. */
export type SnapshotFullRow = SnapshotRow & { snapshot: Buffer; state: Buffer; head: string | null; prev: string | null; seal: string | null; parts: number | null }
/** One accepted update or refusal, as the merged audit query returns it. */
type EntryRow = { kind: 'accepted' | 'refused'; id: number; at: string; token_id: string | null; role: string; delegation: string | null; identity: string | null; bytes: number; update_id: number | null; client_ids: string | null; rule: string | null; reason: string | null }
/** A row of `tokens`; `expires_at` is absent from rows read before its column was added. */
type TokenRow = { id: string; hash: string; role: string; delegation: string | null; label: string | null; doc: string | null; created_at: string; revoked_at: string | null; expires_at?: string | null }

/** A document row as a DocRecord (visibility `public` when the row has none). */
export function docRecord(r: DocRow): DocRecord {
  return { name: r.name, title: r.title, createdAt: r.created_at, lastChange: r.last_change, visibility: visibilityOf(r.visibility), archivedAt: r.archived_at ?? null, header: r.header ?? null }
}

/** A snapshot row as SnapshotMeta, its totals parsed. */
export function snapshotMeta(r: SnapshotRow): SnapshotMeta {
  return { id: r.id, doc: r.doc, label: r.label, createdAt: r.created_at, takenBy: r.taken_by, role: r.role, cobDate: r.cob_date, sha256: r.sha256, upto: r.upto, totals: JSON.parse(r.totals) }
}

/** A token row as a TokenRecord (no expiry when the row has none). */
export function tokenRecord(r: TokenRow): TokenRecord {
  return { id: r.id, hash: r.hash, role: r.role as Role, delegation: r.delegation, label: r.label, doc: r.doc, createdAt: r.created_at, revokedAt: r.revoked_at, expiresAt: r.expires_at ?? null }
}

/** Prepares every statement the SQLite storage runs on `db`, whose schema must be in place (sqlite-schema.ts). */
export function prepareStatements(db: Database.Database) {
  return {
    insertDoc: db.prepare('INSERT OR IGNORE INTO docs (name, title, created_at, last_change) VALUES (?, ?, ?, NULL)'),
    getDoc: db.prepare<[string], DocRow>('SELECT * FROM docs WHERE name = ?'),
    listDocs: db.prepare<[], DocRow>('SELECT * FROM docs ORDER BY name'),
    setTitle: db.prepare('UPDATE docs SET title = ? WHERE name = ?'),
    touch: db.prepare('UPDATE docs SET last_change = ?, head_id = ?, head_hash = ? WHERE name = ?'),
    head: db.prepare<[string], { head_id: number; head_hash: string }>('SELECT head_id, head_hash FROM docs WHERE name = ?'),
    auditHead: db.prepare<[], { hash: string | null }>('SELECT hash FROM audit ORDER BY id DESC LIMIT 1'),
    refusalHead: db.prepare<[], { hash: string | null }>('SELECT hash FROM refusals ORDER BY id DESC LIMIT 1'),
    linkOf: db.prepare<[number, string], { hash: string | null }>('SELECT hash FROM updates WHERE id = ? AND doc = ?'),
    lastSeal: db.prepare<[string], { seal: string | null }>('SELECT seal FROM snapshots WHERE doc = ? ORDER BY id DESC LIMIT 1'),
    state: db.prepare<[string], { data: Buffer; upto: number; head: string | null; hash: string | null }>('SELECT data, upto, head, hash FROM states WHERE doc = ?'),
    updatesAfter: db.prepare<[string, number], { id: number; data: Buffer }>('SELECT id, data FROM updates WHERE doc = ? AND id > ? ORDER BY id'),
    pending: db.prepare<[string, number], { n: number }>('SELECT COUNT(*) AS n FROM updates WHERE doc = ? AND id > ?'),
    insertUpdate: db.prepare('INSERT INTO updates (doc, data, prev, hash) VALUES (?, ?, ?, ?)'),
    insertAudit: db.prepare('INSERT INTO audit (update_id, doc, token_id, role, delegation, at, client_ids, bytes, identity, link, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    owners: db.prepare<[string], { client_id: number; identity: string }>('SELECT client_id, identity FROM client_owners WHERE doc = ?'),
    insertOwner: db.prepare('INSERT OR IGNORE INTO client_owners (doc, client_id, identity) VALUES (?, ?, ?)'),
    upsertState: db.prepare('INSERT INTO states (doc, data, upto, head, hash, structs) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(doc) DO UPDATE SET data = excluded.data, upto = excluded.upto, head = excluded.head, hash = excluded.hash, structs = excluded.structs'),
    deleteUpTo: db.prepare('DELETE FROM updates WHERE doc = ? AND id <= ?'),
    insertToken: db.prepare('INSERT INTO tokens (id, hash, role, delegation, label, doc, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    tokenByHash: db.prepare<[string], TokenRow>('SELECT * FROM tokens WHERE hash = ?'),
    tokenById: db.prepare<[string], TokenRow>('SELECT * FROM tokens WHERE id = ?'),
    listTokens: db.prepare<[], TokenRow>('SELECT * FROM tokens ORDER BY created_at, rowid'),
    revoke: db.prepare('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    audit: db.prepare<[string, number], { id: number; update_id: number; doc: string; token_id: string | null; role: string; delegation: string | null; at: string; client_ids: string; bytes: number }>('SELECT * FROM audit WHERE doc = ? ORDER BY id DESC LIMIT ?'),
    insertProvenance: db.prepare('INSERT INTO provenance (doc, client, clock, len, identity) VALUES (?, ?, ?, ?, ?)'),
    provenance: db.prepare<[string], { client: number; clock: number; len: number; identity: string }>('SELECT client, clock, len, identity FROM provenance WHERE doc = ? ORDER BY rowid'),
    insertRefusal: db.prepare('INSERT INTO refusals (doc, token_id, role, delegation, at, rule, reason, bytes, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    refusals: db.prepare<[string, number], { id: number; doc: string; token_id: string | null; role: string; delegation: string | null; at: string; rule: string; reason: string; bytes: number }>('SELECT * FROM refusals WHERE doc = ? ORDER BY id DESC LIMIT ?'),
    insertDeletion: db.prepare('INSERT INTO deletions (update_id, doc, identity, ds) VALUES (?, ?, ?, ?)'),
    deletions: db.prepare<[string], { update_id: number; identity: string; ds: Buffer }>('SELECT update_id, identity, ds FROM deletions WHERE doc = ? ORDER BY update_id'),
    insertSnapshot: db.prepare('INSERT OR IGNORE INTO snapshots (doc, label, created_at, taken_by, role, cob_date, sha256, upto, totals, snapshot, state, head, prev, seal, parts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    listSnapshots: db.prepare<[string], SnapshotRow>('SELECT id, doc, label, created_at, taken_by, role, cob_date, sha256, upto, totals FROM snapshots WHERE doc = ? ORDER BY id'),
    getSnapshot: db.prepare<[string, number], SnapshotFullRow>('SELECT * FROM snapshots WHERE doc = ? AND id = ?'),
    // Accepted updates and refusals of one document, merged by time, newest first; filtered here, not in JS.
    entries: db.prepare<{ doc: string; since: string; delegation: string | null; limit: number }, EntryRow>(`
      SELECT * FROM (
        SELECT 'accepted' AS kind, id, at, token_id, role, delegation, identity, bytes, update_id, client_ids, NULL AS rule, NULL AS reason
          FROM audit WHERE doc = @doc AND at >= @since AND (@delegation IS NULL OR delegation = @delegation)
        UNION ALL
        SELECT 'refused' AS kind, id, at, token_id, role, delegation, NULL, bytes, NULL, NULL, rule, reason
          FROM refusals WHERE doc = @doc AND at >= @since AND (@delegation IS NULL OR delegation = @delegation)
      ) ORDER BY at DESC, kind DESC, id DESC LIMIT @limit`),
    lastUpdate: db.prepare<[string], { id: number | null }>('SELECT MAX(id) AS id FROM updates WHERE doc = ?'),
    docBytes: db.prepare<[string, string], { n: number | null }>('SELECT (SELECT COALESCE(SUM(LENGTH(data)), 0) FROM updates WHERE doc = ?) + (SELECT COALESCE(SUM(LENGTH(data)), 0) FROM states WHERE doc = ?) AS n'),
    loadCost: db.prepare<[string], { structs: number | null; state_bytes: number | null; log_bytes: number }>(
      'SELECT s.structs, LENGTH(s.data) AS state_bytes, (SELECT COALESCE(SUM(LENGTH(data)), 0) FROM updates WHERE doc = d.name) AS log_bytes FROM docs d LEFT JOIN states s ON s.doc = d.name WHERE d.name = ?'),
    docHeads: db.prepare<[], { name: string; head_id: number }>('SELECT name, head_id FROM docs'),
    bytes: db.prepare<[], { n: number | null }>('SELECT (SELECT COALESCE(SUM(LENGTH(data)), 0) FROM updates) + (SELECT COALESCE(SUM(LENGTH(data)), 0) FROM states) AS n')
  }
}

/** The prepared statements of one SQLite storage. */
export type Statements = ReturnType<typeof prepareStatements>
