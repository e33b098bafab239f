// Opening a database: the append-only triggers (recreated when missing, and said so), and the hash
// chain columns added to databases written before tamper evidence existed, with their rows chained.

import type Database from 'better-sqlite3'
import { auditHash, GENESIS, refusalHash, snapshotSeal, stateHash, updateLink } from './chain.ts'
import { PART_INDEX, PART_TRIGGERS } from './snapshot-parts.ts'

/** The triggers that make the audit trail, refusals, snapshots and integrity events append-only, by table. */
export const TRIGGERS: ReadonlyArray<{ name: string; table: string; sql: string }> = [
  ['snapshots', 'snapshots are immutable'],
  ['audit', 'audit is append-only'],
  ['refusals', 'audit is append-only'],
  ['integrity_events', 'integrity events are append-only']
].flatMap(([table, message]) => (['update', 'delete'] as const).map((op) => ({
  name: `${table}_no_${op}`,
  table,
  sql: `CREATE TRIGGER IF NOT EXISTS ${table}_no_${op} BEFORE ${op.toUpperCase()} ON ${table} BEGIN SELECT RAISE(ABORT, '${message}'); END;`
})))

/** The triggers a SQLite database has: TRIGGERS, and those of pieced snapshots (snapshot-parts.ts). */
export const SQLITE_TRIGGERS: ReadonlyArray<{ name: string; table: string; sql: string }> = [...TRIGGERS, ...PART_TRIGGERS]

// Columns of the hash chain, by table, as ALTER TABLE adds them to an older database.
const CHAIN_COLUMNS: Record<string, string[]> = {
  docs: ["head_id INTEGER NOT NULL DEFAULT 0", "head_hash TEXT NOT NULL DEFAULT ''"],
  states: ['head TEXT', 'hash TEXT'],
  updates: ['prev TEXT', 'hash TEXT'],
  audit: ['identity TEXT', 'link TEXT', 'prev TEXT', 'hash TEXT'],
  refusals: ['prev TEXT', 'hash TEXT'],
  snapshots: ['head TEXT', 'prev TEXT', 'seal TEXT']
}

function tableNames(db: Database.Database, type: 'table' | 'trigger'): Set<string> {
  return new Set(db.prepare<[string], { name: string }>('SELECT name FROM sqlite_master WHERE type = ?').all(type).map((r) => r.name))
}

function columns(db: Database.Database, table: string): Set<string> {
  return new Set(db.prepare<[], { name: string }>(`PRAGMA table_info(${table})`).all().map((c) => c.name))
}

function recordEvent(db: Database.Database, kind: string, detail: string): void {
  db.prepare('INSERT INTO integrity_events (at, kind, detail) VALUES (?, ?, ?)').run(new Date().toISOString(), kind, detail)
}

/**
 * Creates the schema (`tables`: CREATE … IF NOT EXISTS), brings an older database up to the hash
 * chain (ALTER TABLE ADD COLUMN, then chains the rows as found) and recreates missing triggers, all
 * in one IMMEDIATE transaction, so two processes opening the file at once do it once. Returns
 * warnings in words, one per thing found wrong, each also recorded in `integrity_events` so
 * `podium verify` reports it later.
 */
export function prepareSchema(db: Database.Database, tables: string): string[] {
  const warnings: string[] = []
  db.transaction(() => {
    const tablesBefore = tableNames(db, 'table')
    const triggersBefore = tableNames(db, 'trigger')
    db.exec(tables)
    // A trigger is missing only if its table was there before: a table new to this database gets its triggers now.
    const dropped = SQLITE_TRIGGERS.filter((t) => tablesBefore.has(t.table) && !triggersBefore.has(t.name))
    let added = 0
    for (const [table, defs] of Object.entries(CHAIN_COLUMNS)) {
      const have = columns(db, table)
      for (const def of defs) {
        if (have.has(def.split(' ')[0])) continue
        db.exec(`ALTER TABLE ${table} ADD COLUMN ${def}`)
        added++
      }
    }
    // Pieced snapshots came after the chain: the row's `parts` (null on every row written before) is
    // not hashed (the seal covers the bytes as reassembled), so adding it chains nothing.
    if (!columns(db, 'snapshots').has('parts')) db.exec('ALTER TABLE snapshots ADD COLUMN parts INTEGER')
    db.exec(PART_INDEX)
    if (added > 0) {
      // Filling the new columns updates append-only rows: the triggers go for the length of this transaction.
      for (const t of SQLITE_TRIGGERS) db.exec(`DROP TRIGGER IF EXISTS ${t.name}`)
      const n = chainExisting(db)
      recordEvent(db, 'chained', `the hash chain was added to this database: ${n} rows written before were chained as found (the chain vouches for them only from then on)`)
    }
    for (const t of SQLITE_TRIGGERS) db.exec(t.sql)
    for (const t of dropped) {
      const message = `trigger ${t.name} was missing (dropped: ${t.table} could be changed without the database refusing); it has been recreated`
      recordEvent(db, 'trigger-recreated', message)
      warnings.push(message)
    }
  }).immediate()
  return warnings
}

// Chains every stored row, in order, as the append path would have. Returns how many rows it hashed.
function chainExisting(db: Database.Database): number {
  let n = 0
  const links = new Map<number, string>()
  for (const { name } of db.prepare<[], { name: string }>('SELECT name FROM docs ORDER BY name').all()) {
    // A compacted state from before the chain is its document's genesis.
    let head = GENESIS
    let headId = 0
    const state = db.prepare<[string], { data: Buffer; upto: number }>('SELECT data, upto FROM states WHERE doc = ?').get(name)
    if (state) {
      db.prepare('UPDATE states SET head = ?, hash = ? WHERE doc = ?').run(GENESIS, stateHash(name, state.upto, GENESIS, state.data), name)
      headId = state.upto
      n++
    }
    const rows = db.prepare<[string], { id: number; data: Buffer; token_id: string | null; role: string | null; delegation: string | null; at: string | null; client_ids: string | null }>(
      'SELECT u.id, u.data, a.token_id, a.role, a.delegation, a.at, a.client_ids FROM updates u LEFT JOIN audit a ON a.update_id = u.id AND a.doc = u.doc WHERE u.doc = ? ORDER BY u.id'
    ).all(name)
    for (const r of rows) {
      const link = updateLink(head, name, r.data, { tokenId: r.token_id, role: r.role ?? '', delegation: r.delegation, identity: null, at: r.at ?? '', clientIds: r.client_ids ?? '' })
      db.prepare('UPDATE updates SET prev = ?, hash = ? WHERE id = ?').run(head, link, r.id)
      links.set(r.id, link)
      head = link
      headId = r.id
      n++
    }
    db.prepare('UPDATE docs SET head_id = ?, head_hash = ? WHERE name = ?').run(headId, head, name)
  }
  let prev = GENESIS
  for (const r of db.prepare<[], { id: number; update_id: number; doc: string; token_id: string | null; role: string; delegation: string | null; at: string; client_ids: string; bytes: number }>('SELECT * FROM audit ORDER BY id').all()) {
    const link = links.get(r.update_id) ?? null
    const hash = auditHash(prev, { updateId: r.update_id, doc: r.doc, tokenId: r.token_id, role: r.role, delegation: r.delegation, identity: null, at: r.at, clientIds: r.client_ids, bytes: r.bytes, link })
    db.prepare('UPDATE audit SET link = ?, prev = ?, hash = ? WHERE id = ?').run(link, prev, hash, r.id)
    prev = hash
    n++
  }
  prev = GENESIS
  for (const r of db.prepare<[], { id: number; doc: string; token_id: string | null; role: string; delegation: string | null; at: string; rule: string; reason: string; bytes: number }>('SELECT * FROM refusals ORDER BY id').all()) {
    const hash = refusalHash(prev, { doc: r.doc, tokenId: r.token_id, role: r.role, delegation: r.delegation, at: r.at, rule: r.rule, reason: r.reason, bytes: r.bytes })
    db.prepare('UPDATE refusals SET prev = ?, hash = ? WHERE id = ?').run(prev, hash, r.id)
    prev = hash
    n++
  }
  const seals = new Map<string, string>()
  type Row = { id: number; doc: string; label: string; created_at: string; taken_by: string; role: string; cob_date: string | null; sha256: string; upto: number; totals: string; snapshot: Buffer; state: Buffer }
  for (const r of db.prepare<[], Row>('SELECT * FROM snapshots ORDER BY id').all()) {
    const head = links.get(r.upto) ?? GENESIS
    const before = seals.get(r.doc) ?? GENESIS
    const seal = snapshotSeal(before, { doc: r.doc, label: r.label, createdAt: r.created_at, takenBy: r.taken_by, role: r.role, cobDate: r.cob_date, sha256: r.sha256, upto: r.upto, totals: r.totals, head, snapshot: r.snapshot, state: r.state })
    db.prepare('UPDATE snapshots SET head = ?, prev = ?, seal = ? WHERE id = ?').run(head, before, seal, r.id)
    seals.set(r.doc, seal)
    n++
  }
  return n
}
