// The worker side of the PostgreSQL storage, part two: tokens, the audit as read, refusals,
// provenance, snapshots, document metadata, settings and leases. Same SQL meaning as sqlite.ts
// and doc-meta.ts; the hash chains are computed by the same functions (chain.ts).

import type pg from 'pg'
import { GENESIS, IntegrityError, refusalHash, snapshotSeal } from '../chain.ts'
import { VISIBILITIES, type AuditEntry, type AuditQuery, type AuditRecord, type DocMetaPatch, type Lease, type LoadCost, type ProvenanceRow, type RefusalRecord, type SnapshotMeta, type SnapshotRecord, type TokenRecord } from '../types.ts'
import type { Role } from '../../../shared/protocol.ts'
import { inTransaction } from './tx.ts'
import { insertRows } from './store-log.ts'

type TokenRow = { id: string; hash: string; role: string; delegation: string | null; label: string | null; doc: string | null; created_at: string; revoked_at: string | null; expires_at: string | null }
type SnapshotRow = { id: number; doc: string; label: string; created_at: string; taken_by: string; role: string; cob_date: string | null; sha256: string; upto: number; totals: string }
type SnapshotFullRow = SnapshotRow & { snapshot: Buffer; state: Buffer; head: string | null; prev: string | null; seal: string | null }
type EntryRow = { kind: 'accepted' | 'refused'; id: number; at: string; token_id: string | null; role: string; delegation: string | null; identity: string | null; bytes: number; update_id: number | null; client_ids: string | null; rule: string | null; reason: string | null }
type LeaseRow = { doc: string; holder: string; fence: number; expires_at: number }

const tokenRecord = (r: TokenRow): TokenRecord => ({ id: r.id, hash: r.hash, role: r.role as Role, delegation: r.delegation, label: r.label, doc: r.doc, createdAt: r.created_at, revokedAt: r.revoked_at, expiresAt: r.expires_at })
const snapshotMeta = (r: SnapshotRow): SnapshotMeta => ({ id: r.id, doc: r.doc, label: r.label, createdAt: r.created_at, takenBy: r.taken_by, role: r.role, cobDate: r.cob_date, sha256: r.sha256, upto: r.upto, totals: JSON.parse(r.totals) })
const leaseOf = (r: LeaseRow): Lease => ({ doc: r.doc, holder: r.holder, fence: r.fence, expiresAt: r.expires_at })

// The database's clock in ms: one clock for every server sharing the leases.
const NOW_MS = '(extract(epoch FROM clock_timestamp()) * 1000)::bigint'

/** The worker-side operations of this part, by Storage method name. */
export function recordOps (pool: pg.Pool) {
  const one = async <R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R | undefined> => (await pool.query<R>(sql, params)).rows[0]
  const all = async <R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> => (await pool.query<R>(sql, params)).rows
  return {
    setTitle: async (name: string, title: string) => ((await pool.query('UPDATE docs SET title = $1 WHERE name = $2', [title, name])).rowCount ?? 0) > 0,
    setDocMeta: async (name: string, patch: DocMetaPatch) => {
      if (patch.visibility !== undefined && !VISIBILITIES.includes(patch.visibility)) throw new RangeError(`visibility ${JSON.stringify(patch.visibility)} is not one of ${VISIBILITIES.join(', ')}`)
      const sets: string[] = []
      const params: (string | null)[] = []
      const set = (column: string, value: string | null) => { params.push(value); sets.push(`${column} = $${params.length}`) }
      if (patch.visibility !== undefined) set('visibility', patch.visibility)
      if (patch.archivedAt !== undefined) set('archived_at', patch.archivedAt)
      if (patch.header !== undefined) set('header', patch.header)
      if (sets.length === 0) return (await one('SELECT 1 FROM docs WHERE name = $1', [name])) !== undefined
      params.push(name)
      return ((await pool.query(`UPDATE docs SET ${sets.join(', ')} WHERE name = $${params.length}`, params)).rowCount ?? 0) > 0
    },
    getSetting: async (key: string) => (await one<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key]))?.value ?? null,
    setSetting: async (key: string, value: string | null) => {
      if (value === null) await pool.query('DELETE FROM settings WHERE key = $1', [key])
      else await pool.query('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value])
    },
    // One statement: taken when free, lapsed or already the holder's; the row lock of the upsert
    // makes two servers racing for it see each other (the second finds it held, or waits and then does).
    acquireLease: async (doc: string, holder: string, ttlMs: number): Promise<Lease | null> => {
      const r = await one<LeaseRow>(`
        INSERT INTO leases AS l (doc, holder, fence, expires_at) VALUES ($1, $2, 1, ${NOW_MS} + $3)
        ON CONFLICT (doc) DO UPDATE SET
          fence = CASE WHEN l.holder = excluded.holder AND l.expires_at > ${NOW_MS} THEN l.fence ELSE l.fence + 1 END,
          holder = excluded.holder,
          expires_at = excluded.expires_at
        WHERE l.holder = excluded.holder OR l.expires_at <= ${NOW_MS}
        RETURNING doc, holder, fence, expires_at`, [doc, holder, ttlMs])
      return r ? leaseOf(r) : null
    },
    releaseLease: async (doc: string, holder: string) => { await pool.query('UPDATE leases SET expires_at = 0 WHERE doc = $1 AND holder = $2', [doc, holder]) },
    leaseOf: async (doc: string) => {
      const r = await one<LeaseRow>('SELECT * FROM leases WHERE doc = $1', [doc])
      return r ? leaseOf(r) : null
    },
    insertToken: async (t: TokenRecord) => {
      await pool.query('INSERT INTO tokens (id, hash, role, delegation, label, doc, created_at, revoked_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
        [t.id, t.hash, t.role, t.delegation, t.label, t.doc, t.createdAt, t.revokedAt, t.expiresAt ?? null])
    },
    tokenByHash: async (hash: string) => {
      const r = await one<TokenRow>('SELECT * FROM tokens WHERE hash = $1', [hash])
      return r ? tokenRecord(r) : null
    },
    tokenById: async (id: string) => {
      const r = await one<TokenRow>('SELECT * FROM tokens WHERE id = $1', [id])
      return r ? tokenRecord(r) : null
    },
    // The re-check of every connected token (a server's sweep): one query, however many are connected.
    tokensById: async (ids: readonly string[]) => (await all<TokenRow>('SELECT * FROM tokens WHERE id = ANY($1)', [ids])).map(tokenRecord),
    listTokens: async () => (await all<TokenRow>('SELECT * FROM tokens ORDER BY created_at, seq')).map(tokenRecord),
    revokeToken: async (id: string) => ((await pool.query('UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [new Date().toISOString(), id])).rowCount ?? 0) > 0,
    setTokenExpiry: async (id: string, expiresAt: string | null) => ((await pool.query('UPDATE tokens SET expires_at = $1 WHERE id = $2', [expiresAt, id])).rowCount ?? 0) > 0,
    tokenRevision: async () => {
      const r = (await one<{ n: number; r: string | null; e: number; x: string | null }>(
        "SELECT count(revoked_at) AS n, max(revoked_at) AS r, count(expires_at) AS e, string_agg(expires_at, ',' ORDER BY seq) AS x FROM tokens"))!
      return `${r.n}|${r.r ?? ''}|${r.e}|${r.x ?? ''}`
    },
    audit: async (doc: string, limit = 100): Promise<AuditRecord[]> =>
      (await all<{ id: number; update_id: number; doc: string; token_id: string | null; role: string; delegation: string | null; at: string; client_ids: string; bytes: number }>(
        'SELECT * FROM audit WHERE doc = $1 ORDER BY id DESC LIMIT $2', [doc, limit])).map((r) => ({
        id: r.id, updateId: r.update_id, doc: r.doc, tokenId: r.token_id, role: r.role, delegation: r.delegation, at: r.at, clientIds: JSON.parse(r.client_ids) as number[], bytes: r.bytes
      })),
    recordProvenance: async (doc: string, rows: readonly ProvenanceRow[]) => {
      if (rows.length === 0) return
      await inTransaction(pool, (c) => insertRows(c, 'INSERT INTO provenance (doc, client, clock, len, identity)', 5, rows.flatMap((r) => [doc, r.client, r.clock, r.len, r.identity])))
    },
    provenance: async (doc: string): Promise<ProvenanceRow[]> => all<ProvenanceRow>('SELECT client, clock, len, identity FROM provenance WHERE doc = $1 ORDER BY id', [doc]),
    recordRefusal: async (r: Omit<RefusalRecord, 'id'>) => {
      await inTransaction(pool, async (c) => {
        const head = (await c.query<{ last_id: number; hash: string }>("SELECT last_id, hash FROM counters WHERE name = 'refusals' FOR UPDATE")).rows[0]
        const hash = refusalHash(head.hash, r)
        await c.query('INSERT INTO refusals (id, doc, token_id, role, delegation, at, rule, reason, bytes, prev, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)',
          [head.last_id + 1, r.doc, r.tokenId, r.role, r.delegation, r.at, r.rule, r.reason, r.bytes, head.hash, hash])
        await c.query("UPDATE counters SET last_id = $1, hash = $2 WHERE name = 'refusals'", [head.last_id + 1, hash])
      })
    },
    refusals: async (doc: string, limit = 100): Promise<RefusalRecord[]> =>
      (await all<{ id: number; doc: string; token_id: string | null; role: string; delegation: string | null; at: string; rule: string; reason: string; bytes: number }>(
        'SELECT * FROM refusals WHERE doc = $1 ORDER BY id DESC LIMIT $2', [doc, limit])).map((r) => ({
        id: r.id, doc: r.doc, tokenId: r.token_id, role: r.role, delegation: r.delegation, at: r.at, rule: r.rule, reason: r.reason, bytes: r.bytes
      })),
    auditEntries: async (doc: string, query: AuditQuery = {}): Promise<AuditEntry[]> => {
      const rows = await all<EntryRow>(`
        SELECT * FROM (
          SELECT 'accepted' COLLATE "C" AS kind, id, at, token_id, role, delegation, identity, bytes, update_id, client_ids, NULL AS rule, NULL AS reason
            FROM audit WHERE doc = $1 AND at >= $2 AND ($3::text IS NULL OR delegation = $3)
          UNION ALL
          SELECT 'refused' COLLATE "C", id, at, token_id, role, delegation, NULL, bytes, NULL, NULL, rule, reason
            FROM refusals WHERE doc = $1 AND at >= $2 AND ($3::text IS NULL OR delegation = $3)
        ) e ORDER BY at DESC, kind DESC, id DESC LIMIT $4`, [doc, query.since ?? '', query.delegation ?? null, query.limit ?? null])
      return rows.reverse().map((r): AuditEntry => ({
        kind: r.kind, id: r.id, doc, at: r.at, tokenId: r.token_id, role: r.role, delegation: r.delegation, identity: r.identity, bytes: r.bytes,
        updateId: r.update_id, clientIds: r.client_ids === null ? null : JSON.parse(r.client_ids) as number[], rule: r.rule, reason: r.reason
      }))
    },
    insertSnapshot: async (r: Omit<SnapshotRecord, 'id'>): Promise<number | null> => inTransaction(pool, async (c) => {
      // One snapshot of a document at a time extends its seal chain.
      await c.query("SELECT pg_advisory_xact_lock(hashtext('podium-snapshot:' || current_schema() || ':' || $1))", [r.doc])
      const h = (await c.query<{ head_id: number; head_hash: string }>('SELECT head_id, head_hash FROM docs WHERE name = $1', [r.doc])).rows[0]
      let head = GENESIS
      if (h && h.head_id === r.upto) head = h.head_hash
      else {
        const link = (await c.query<{ hash: string | null }>('SELECT hash FROM updates WHERE id = $1 AND doc = $2', [r.upto, r.doc])).rows[0]
        const state = (await c.query<{ upto: number; head: string | null }>('SELECT upto, head FROM states WHERE doc = $1', [r.doc])).rows[0]
        head = link?.hash ?? (state?.upto === r.upto ? state.head ?? GENESIS : GENESIS)
      }
      const prev = (await c.query<{ seal: string | null }>('SELECT seal FROM snapshots WHERE doc = $1 ORDER BY id DESC LIMIT 1', [r.doc])).rows[0]?.seal ?? GENESIS
      const totals = JSON.stringify(r.totals)
      const seal = snapshotSeal(prev, { ...r, totals, head })
      const res = await c.query<{ id: number }>(`INSERT INTO snapshots (doc, label, created_at, taken_by, role, cob_date, sha256, upto, totals, snapshot, state, head, prev, seal)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT DO NOTHING RETURNING id`,
      [r.doc, r.label, r.createdAt, r.takenBy, r.role, r.cobDate, r.sha256, r.upto, totals, r.snapshot, r.state, head, prev, seal])
      return res.rows[0]?.id ?? null
    }),
    listSnapshots: async (doc: string) => (await all<SnapshotRow>('SELECT id, doc, label, created_at, taken_by, role, cob_date, sha256, upto, totals FROM snapshots WHERE doc = $1 ORDER BY id', [doc])).map(snapshotMeta),
    getSnapshot: async (doc: string, id: number): Promise<SnapshotRecord | null> => {
      const row = await one<SnapshotFullRow>('SELECT * FROM snapshots WHERE doc = $1 AND id = $2', [doc, id])
      if (!row) return null
      const seal = snapshotSeal(row.prev ?? GENESIS, { doc: row.doc, label: row.label, createdAt: row.created_at, takenBy: row.taken_by, role: row.role, cobDate: row.cob_date, sha256: row.sha256, upto: row.upto, totals: row.totals, head: row.head ?? GENESIS, snapshot: row.snapshot, state: row.state })
      if (seal !== row.seal) throw new IntegrityError(`${doc}: snapshot ${id} does not match its hash (changed after it was written)`)
      return { ...snapshotMeta(row), snapshot: row.snapshot, state: row.state }
    },
    deletions: async (doc: string) => (await all<{ update_id: number; identity: string; ds: Buffer }>('SELECT update_id, identity, ds FROM deletions WHERE doc = $1 ORDER BY update_id', [doc]))
      .map((r) => ({ updateId: r.update_id, identity: r.identity, ds: r.ds })),
    owners: async (doc: string) => (await all<{ client_id: number; identity: string }>('SELECT client_id, identity FROM client_owners WHERE doc = $1', [doc])).map((o): [number, string] => [o.client_id, o.identity]),
    bytesStored: async () => (await one<{ n: number }>('SELECT (SELECT COALESCE(SUM(octet_length(data)), 0) FROM updates) + (SELECT COALESCE(SUM(octet_length(data)), 0) FROM states) AS n'))!.n,
    docBytes: async (name: string) => (await one<{ n: number }>('SELECT (SELECT COALESCE(SUM(octet_length(data)), 0) FROM updates WHERE doc = $1) + (SELECT COALESCE(SUM(octet_length(data)), 0) FROM states WHERE doc = $1) AS n', [name]))!.n,
    loadCost: async (name: string): Promise<LoadCost | null> => {
      const r = await one<{ structs: string | null; state_bytes: number | null; log_bytes: string }>(
        'SELECT s.structs, octet_length(s.data) AS state_bytes, (SELECT COALESCE(SUM(octet_length(data)), 0) FROM updates WHERE doc = d.name) AS log_bytes FROM docs d LEFT JOIN states s ON s.doc = d.name WHERE d.name = $1', [name])
      if (!r) return null
      const state = r.state_bytes ?? 0
      const log = Number(r.log_bytes)
      return { bytes: state + log, structs: r.structs === null ? 0 : Number(r.structs), uncountedBytes: log + (r.structs === null ? state : 0) }
    },
    docHeads: async () => (await all<{ name: string; head_id: number }>('SELECT name, head_id FROM docs')).map((r): [string, number] => [r.name, r.head_id])
  }
}
