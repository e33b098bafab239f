// The worker side of the PostgreSQL storage, part one: documents, the update log with its audit
// rows and hash chains, loading and compaction. Every function runs in the worker thread that owns
// the pool (worker.ts) and answers plain values the bridge can copy.

import type pg from 'pg'
import * as Y from 'yjs'
import { auditHash, GENESIS, IntegrityError, stateHash, updateLink } from '../chain.ts'
import { deletionsOfUpdate } from '../deletions.ts'
import { visibilityOf } from '../doc-meta.ts'
import { FencedError, type Attribution, type DocRecord } from '../types.ts'
import { inTransaction } from './tx.ts'

/** One update to append, as the bridge carries it (see PendingAppend). */
export interface WireAppend {
  update: Uint8Array
  attribution: Attribution
  deletions?: Uint8Array | null
}

/** A loaded document as the bridge carries it (LoadedDoc with owners as pairs). */
export interface WireLoaded {
  record: DocRecord
  updates: Uint8Array[]
  upto: number
  owners: Array<[number, string]>
}

type DocRow = { name: string; title: string; created_at: string; last_change: string | null; visibility: string; archived_at: string | null; header: string | null }

/** A stored docs row as a DocRecord. */
export function docRecord (r: DocRow): DocRecord {
  return { name: r.name, title: r.title, createdAt: r.created_at, lastChange: r.last_change, visibility: visibilityOf(r.visibility), archivedAt: r.archived_at, header: r.header }
}

// The heads a write extends, read under the audit counter's row lock: every append of every
// document and server passes through that one row, so the audit chain has one order, as in SQLite.
interface Heads { doc: string; docId: number; audit: string; auditId: number; updateId: number }

// An append costs two round trips to PostgreSQL, each one simple-protocol query of several
// statements: BEGIN with the fence check and the heads locked and read; then every row, the new
// heads and COMMIT. (With one statement per round trip, as before, an append took about ten; each
// crosses the network and this thread's event loop.) Values are written as escaped literals.

/** `v` as an SQL literal: NULL, a safe integer, an escaped string, or a bytea in hex. */
function lit (c: pg.PoolClient, v: unknown): string {
  if (v === null || v === undefined) return 'NULL'
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new RangeError(`${v} is not a whole number storage can write`)
    return String(v)
  }
  if (typeof v === 'string') return c.escapeLiteral(v)
  if (v instanceof Uint8Array) return `'\\x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}'::bytea`
  throw new RangeError(`a ${typeof v} is not a value storage writes`)
}

const rowsSql = (c: pg.PoolClient, rows: unknown[][]): string => rows.map((r) => `(${r.map((v) => lit(c, v)).join(', ')})`).join(', ')

// Runs `work` on one pooled connection; on any failure rolls back (a no-op outside a transaction)
// and destroys the connection if it was lost.
async function onConnection<T> (pool: pg.Pool, work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect()
  let broken: Error | undefined
  const lost = (err: Error) => { broken = err }
  c.on('error', lost)
  try {
    return await work(c)
  } catch (err) {
    try {
      await c.query('ROLLBACK')
    } catch (e) {
      broken ??= e as Error
    }
    throw err
  } finally {
    c.off('error', lost)
    c.release(broken)
  }
}

// BEGIN, then (in the same round trip) `before` (statements whose results are returned first),
// the counters locked and the document's head: the heads, or null when there is no such document.
async function begin (c: pg.PoolClient, name: string, before: string[] = []): Promise<{ heads: Heads | null; results: pg.QueryResult[] }> {
  const sql = ['BEGIN', ...before,
    "SELECT name, last_id, hash FROM counters WHERE name IN ('audit', 'updates') ORDER BY name FOR UPDATE",
    `SELECT head_id, head_hash FROM docs WHERE name = ${lit(c, name)}`].join(';\n')
  const all = await c.query(sql) as unknown as pg.QueryResult[]
  const results = all.slice(1, 1 + before.length)
  const counters = all[1 + before.length].rows as Array<{ name: string; last_id: number; hash: string }>
  const doc = all[2 + before.length].rows as Array<{ head_id: number; head_hash: string }>
  if (doc.length === 0) return { heads: null, results }
  const audit = counters.find((r) => r.name === 'audit')!
  const updates = counters.find((r) => r.name === 'updates')!
  return { heads: { doc: doc[0].head_hash, docId: doc[0].head_id, audit: audit.hash, auditId: audit.last_id, updateId: updates.last_id }, results }
}

// The rows of `items` extending `heads`, their new heads and COMMIT, as one string of statements; writes nothing itself.
function writeSql (c: pg.PoolClient, name: string, items: readonly WireAppend[], at: string, heads: Heads): { sql: string; ids: number[] } {
  const ids: number[] = []
  const upd: unknown[][] = []
  const aud: unknown[][] = []
  const del: unknown[][] = []
  const own = new Map<number, string>()
  for (const item of items) {
    const a = item.attribution
    const clientIds = JSON.stringify(a.clientIds)
    const sender = { tokenId: a.tokenId, role: a.role, delegation: a.delegation, identity: a.identity, at, clientIds }
    const link = updateLink(heads.doc, name, item.update, sender)
    const id = ++heads.updateId
    const auditId = ++heads.auditId
    const hash = auditHash(heads.audit, { ...sender, updateId: id, doc: name, bytes: item.update.byteLength, link })
    upd.push([id, name, item.update, heads.doc, link])
    aud.push([auditId, id, name, a.tokenId, a.role, a.delegation, at, clientIds, item.update.byteLength, a.identity, link, heads.audit, hash])
    heads.doc = link
    heads.docId = id
    heads.audit = hash
    const ds = item.deletions === undefined ? deletionsOfUpdate(item.update) : item.deletions
    if (ds) del.push([id, name, a.identity, ds])
    for (const client of a.clientIds) if (!own.has(client)) own.set(client, a.identity)
    ids.push(id)
  }
  const sql = [
    `INSERT INTO updates (id, doc, data, prev, hash) VALUES ${rowsSql(c, upd)}`,
    `INSERT INTO audit (id, update_id, doc, token_id, role, delegation, at, client_ids, bytes, identity, link, prev, hash) VALUES ${rowsSql(c, aud)}`,
    ...(del.length > 0 ? [`INSERT INTO deletions (update_id, doc, identity, ds) VALUES ${rowsSql(c, del)}`] : []),
    ...(own.size > 0 ? [`INSERT INTO client_owners (doc, client_id, identity) VALUES ${rowsSql(c, [...own].map(([client, identity]) => [name, client, identity]))} ON CONFLICT DO NOTHING`] : []),
    `UPDATE docs SET last_change = ${lit(c, at)}, head_id = ${lit(c, heads.docId)}, head_hash = ${lit(c, heads.doc)} WHERE name = ${lit(c, name)}`,
    `UPDATE counters SET last_id = ${lit(c, heads.auditId)}, hash = ${lit(c, heads.audit)} WHERE name = 'audit'`,
    `UPDATE counters SET last_id = ${lit(c, heads.updateId)} WHERE name = 'updates'`,
    'COMMIT'
  ].join(';\n')
  return { sql, ids }
}

// PostgreSQL takes at most 65 535 parameters per statement.
const MAX_PARAMS = 60_000

/**
 * Inserts the rows in `flat` (`cols` values per row, in order) with `head` (`INSERT INTO t (…)`),
 * as few multi-row statements as the parameter limit allows; `tail` is appended to each.
 */
export async function insertRows (c: pg.PoolClient, head: string, cols: number, flat: readonly unknown[], tail = ''): Promise<void> {
  const per = Math.floor(MAX_PARAMS / cols) * cols
  for (let i = 0; i < flat.length; i += per) {
    const part = flat.slice(i, i + per)
    await c.query(`${head} VALUES ${values(part.length / cols, cols)}${tail}`, part)
  }
}

/** `($1, $2, …), (…)`: placeholders for `rows` rows of `cols` values. */
export function values (rows: number, cols: number): string {
  const out: string[] = []
  for (let r = 0; r < rows; r++) out.push(`(${Array.from({ length: cols }, (_, i) => `$${r * cols + i + 1}`).join(', ')})`)
  return out.join(', ')
}

/** Storage.createDoc: the document and its first update in one transaction (false, nothing written, when the name is taken). */
export async function createDoc (pool: pg.Pool, name: string, title: string, initial: Uint8Array, a: Attribution): Promise<boolean> {
  return onConnection(pool, async (c) => {
    const now = new Date().toISOString()
    const { heads, results } = await begin(c, name, [`INSERT INTO docs (name, title, created_at, last_change) VALUES (${lit(c, name)}, ${lit(c, title)}, ${lit(c, now)}, NULL) ON CONFLICT DO NOTHING`])
    if (results[0].rowCount === 0 || !heads) {
      await c.query('ROLLBACK')
      return false
    }
    await c.query(writeSql(c, name, [{ update: initial, attribution: a }], now, heads).sql)
    return true
  })
}

/** Storage.append and BatchAppend.appendMany: all rows in one transaction, the fence checked in it. */
export async function appendMany (pool: pg.Pool, name: string, items: readonly WireAppend[], fence?: number): Promise<number[]> {
  if (items.length === 0) return []
  if (fence !== undefined && !Number.isSafeInteger(fence)) throw new RangeError(`fence ${JSON.stringify(fence)} is not a whole number`)
  return onConnection(pool, async (c) => {
    // FOR SHARE: a lease changing hands waits for this append to commit, and this append for it.
    const check = fence === undefined ? [] : [`SELECT fence FROM leases WHERE doc = ${lit(c, name)} FOR SHARE`]
    const { heads, results } = await begin(c, name, check)
    if (fence !== undefined && results[0].rows[0]?.fence !== fence) throw new FencedError(name, fence)
    if (!heads) throw new RangeError(`document ${JSON.stringify(name)} does not exist`)
    const { sql, ids } = writeSql(c, name, items, new Date().toISOString(), heads)
    await c.query(sql)
    return ids
  })
}

/** Storage.load, in one REPEATABLE READ transaction (a compaction cannot fall between the state and its log). */
export async function load (pool: pg.Pool, name: string): Promise<WireLoaded | null> {
  return inTransaction(pool, async (c) => {
    const doc = await c.query<DocRow>('SELECT * FROM docs WHERE name = $1', [name])
    if (doc.rows.length === 0) return null
    const st = await c.query<{ data: Buffer; upto: number; head: string | null; hash: string | null }>('SELECT data, upto, head, hash FROM states WHERE doc = $1', [name])
    const state = st.rows[0]
    if (state && state.hash !== stateHash(name, state.upto, state.head ?? GENESIS, state.data)) {
      throw new IntegrityError(`${name}: the compacted state (updates up to ${state.upto}) does not match its hash (changed after it was written)`)
    }
    const updates: Uint8Array[] = state ? [state.data] : []
    let upto = state?.upto ?? 0
    for (const r of (await c.query<{ id: number; data: Buffer }>('SELECT id, data FROM updates WHERE doc = $1 AND id > $2 ORDER BY id', [name, upto])).rows) {
      updates.push(r.data)
      upto = r.id
    }
    const owners = (await c.query<{ client_id: number; identity: string }>('SELECT client_id, identity FROM client_owners WHERE doc = $1', [name])).rows.map((o): [number, string] => [o.client_id, o.identity])
    return { record: docRecord(doc.rows[0]), updates, upto, owners }
  }, 'REPEATABLE READ READ ONLY')
}

/**
 * Storage.compact. `known` is the holder's encoding and the update id it covers, already encoded by
 * the caller (the bridge cannot carry a function). It is stored as the state up to that update when
 * the log still holds that update (rows appended after it stay in the log); otherwise the rows are
 * merged here.
 */
export async function compact (pool: pg.Pool, name: string, known?: { upto: number; state: Uint8Array; structs?: number }): Promise<number> {
  return inTransaction(pool, async (c) => {
    // One compaction of a document at a time; appends go on meanwhile (they add rows after `last`).
    await c.query("SELECT pg_advisory_xact_lock(hashtext('podium-compact:' || current_schema() || ':' || $1))", [name])
    const st = await c.query<{ data: Buffer; upto: number }>('SELECT data, upto FROM states WHERE doc = $1', [name])
    const from = st.rows[0]?.upto ?? 0
    if (known && known.upto > from) {
      const at = (await c.query<{ hash: string | null }>('SELECT hash FROM updates WHERE doc = $1 AND id = $2', [name, known.upto])).rows[0]
      if (at) return store(c, name, known.state, known.upto, at.hash ?? GENESIS, known.structs ?? null)
    }
    const rows = (await c.query<{ id: number; data: Buffer; hash: string | null }>('SELECT id, data, hash FROM updates WHERE doc = $1 AND id > $2 ORDER BY id', [name, from])).rows
    if (rows.length === 0) return 0
    const last = rows[rows.length - 1]
    // A merge of rows is stored without a struct count (counting would decode it).
    const merged = Y.mergeUpdates([...(st.rows[0] ? [st.rows[0].data] : []), ...rows.map((r) => r.data)])
    return store(c, name, merged, last.id, last.hash ?? GENESIS, null)
  })
}

// Stores `state` as the document's compacted state up to update `upto` (whose link is `head`) and
// removes the rows it covers; returns how many.
async function store (c: pg.PoolClient, name: string, state: Uint8Array, upto: number, head: string, structs: number | null): Promise<number> {
  await c.query('INSERT INTO states (doc, data, upto, head, hash, structs) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (doc) DO UPDATE SET data = excluded.data, upto = excluded.upto, head = excluded.head, hash = excluded.hash, structs = excluded.structs',
    [name, state, upto, head, stateHash(name, upto, head, state), structs])
  return (await c.query('DELETE FROM updates WHERE doc = $1 AND id <= $2', [name, upto])).rowCount ?? 0
}

/** Storage.pendingCount. */
export async function pendingCount (pool: pg.Pool, name: string): Promise<number> {
  const r = await pool.query<{ n: number }>('SELECT COUNT(*) AS n FROM updates WHERE doc = $1 AND id > COALESCE((SELECT upto FROM states WHERE doc = $1), 0)', [name])
  return r.rows[0].n
}

/** Storage.lastUpdateId: the newest update in the log, else the compacted state's. */
export async function lastUpdateId (pool: pg.Pool, doc: string): Promise<number> {
  const r = await pool.query<{ id: number | null }>('SELECT COALESCE((SELECT MAX(id) FROM updates WHERE doc = $1), (SELECT upto FROM states WHERE doc = $1), 0) AS id', [doc])
  return r.rows[0].id ?? 0
}

/** Storage.getDoc. */
export async function getDoc (pool: pg.Pool, name: string): Promise<DocRecord | null> {
  const r = await pool.query<DocRow>('SELECT * FROM docs WHERE name = $1', [name])
  return r.rows[0] ? docRecord(r.rows[0]) : null
}

/** Storage.listDocs. */
export async function listDocs (pool: pg.Pool): Promise<DocRecord[]> {
  return (await pool.query<DocRow>('SELECT * FROM docs ORDER BY name')).rows.map(docRecord)
}
