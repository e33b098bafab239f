// The worker side of `podium migrate`: a whole embedded meeting written into an empty PostgreSQL
// schema in one transaction, every row as stored (ids, links and hashes kept), then the counters
// and sequences set past the copied ids.

import type pg from 'pg'
import { inTransaction } from './tx.ts'
import { insertRows } from './store-log.ts'

/** The rows of one table: column names and each row's values in that order. */
export interface TableRows {
  columns: string[]
  rows: unknown[][]
}

/** A meeting as `podium migrate` carries it. */
export interface MeetingDump {
  /** By table name (IMPORT_TABLES), in any order. */
  tables: Record<string, TableRows>
  /** The last id written to the log, the audit and the refusals (SQLite's sqlite_sequence), and each chain's head hash. */
  counters: Record<'updates' | 'audit' | 'refusals', { lastId: number; hash: string }>
}

/** The tables a meeting is copied into, in an order that satisfies their references. */
export const IMPORT_TABLES = ['docs', 'states', 'updates', 'audit', 'provenance', 'refusals', 'client_owners', 'tokens', 'deletions', 'snapshots', 'integrity_events', 'settings'] as const

/** What importMeeting answers: done, or why nothing was written. */
export type ImportResult = { ok: true; rows: number } | { ok: false; reason: string }

const COLUMN = /^[a-z_][a-z0-9_]*$/

/** The worker-side operations of `podium migrate`. */
export function importOps (pool: pg.Pool) {
  return {
    /** True when the schema holds no document, token, audit row or snapshot. */
    isEmpty: async () => {
      const r = await pool.query<{ n: boolean }>('SELECT NOT (EXISTS (SELECT 1 FROM docs) OR EXISTS (SELECT 1 FROM tokens) OR EXISTS (SELECT 1 FROM audit) OR EXISTS (SELECT 1 FROM refusals) OR EXISTS (SELECT 1 FROM snapshots)) AS n')
      return r.rows[0].n
    },
    importMeeting: async (dump: MeetingDump): Promise<ImportResult> => inTransaction(pool, async (c) => {
      // Two migrations at once into one schema: the second waits here, then finds it taken.
      await c.query("SELECT pg_advisory_xact_lock(hashtext('podium-import:' || current_schema()))")
      const held = await c.query<{ n: boolean }>('SELECT EXISTS (SELECT 1 FROM docs) OR EXISTS (SELECT 1 FROM tokens) OR EXISTS (SELECT 1 FROM audit) AS n')
      if (held.rows[0].n) return { ok: false, reason: 'the target already holds a meeting (documents, tokens or audit rows)' }
      let rows = 0
      for (const table of IMPORT_TABLES) {
        const t = dump.tables[table]
        if (!t || t.rows.length === 0) continue
        for (const col of t.columns) if (!COLUMN.test(col)) throw new RangeError(`column ${JSON.stringify(col)} of ${table} is not a column name`)
        for (const row of t.rows) if (row.length !== t.columns.length) throw new RangeError(`a row of ${table} has ${row.length} values for ${t.columns.length} columns`)
        await insertRows(c, `INSERT INTO ${table} (${t.columns.join(', ')})`, t.columns.length, t.rows.flat())
        rows += t.rows.length
      }
      for (const [name, v] of Object.entries(dump.counters)) {
        await c.query('UPDATE counters SET last_id = $1, hash = $2 WHERE name = $3', [v.lastId, v.hash, name])
      }
      for (const [table, column] of [['snapshots', 'id'], ['integrity_events', 'id'], ['provenance', 'id'], ['tokens', 'seq']]) {
        await c.query(`SELECT setval(pg_get_serial_sequence('${table}', '${column}'), GREATEST((SELECT MAX(${column}) FROM ${table}), 0) + 1, false)`)
      }
      return { ok: true, rows }
    })
  }
}
