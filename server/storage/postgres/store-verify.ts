// The worker side of `verify` and `podium migrate`: the stored rows in pages, as verify.ts reads
// them (verifyRows runs on the caller's thread over these pages, see verify-source.ts).

import type pg from 'pg'
import { triggerNames } from './migrate.ts'

/** Rows per page of the audit, refusals and snapshots; a page of updates is a tenth (they carry their bytes). */
export const PAGE_ROWS = 2_000

/** The worker-side operations verify-source.ts calls, by name. */
export function verifyOps (pool: pg.Pool, schema: string) {
  const all = async <R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> => (await pool.query<R>(sql, params)).rows
  return {
    vTriggers: async () => [...await triggerNames(pool, schema)],
    vEvents: async () => all<{ at: string; kind: string; detail: string }>('SELECT at, kind, detail FROM integrity_events ORDER BY id'),
    vDocs: async () => all<{ name: string; head_id: number; head_hash: string }>('SELECT name, head_id, head_hash FROM docs ORDER BY name'),
    vState: async (doc: string) => (await all<{ data: Buffer; upto: number; head: string | null; hash: string | null }>('SELECT data, upto, head, hash FROM states WHERE doc = $1', [doc]))[0],
    vSnapshotUptos: async (doc: string) => (await all<{ upto: number }>('SELECT upto FROM snapshots WHERE doc = $1', [doc])).map((r) => r.upto),
    vAuditPage: async (after: number) => all('SELECT * FROM audit WHERE id > $1 ORDER BY id LIMIT $2', [after, PAGE_ROWS]),
    vRefusalPage: async (after: number) => all('SELECT * FROM refusals WHERE id > $1 ORDER BY id LIMIT $2', [after, PAGE_ROWS]),
    vUpdatePage: async (doc: string, after: number) => all('SELECT id, data, prev, hash FROM updates WHERE doc = $1 AND id > $2 ORDER BY id LIMIT $3', [doc, after, PAGE_ROWS / 10]),
    vSnapshotPage: async (doc: string, after: number) => all('SELECT * FROM snapshots WHERE doc = $1 AND id > $2 ORDER BY id LIMIT $3', [doc, after, PAGE_ROWS / 10]),
    vLastWritten: async (table: 'audit' | 'refusals') => (await all<{ last_id: number }>('SELECT last_id FROM counters WHERE name = $1', [table]))[0]?.last_id ?? 0
  }
}
