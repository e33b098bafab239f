// Opening a PostgreSQL meeting: the migration steps not yet applied (schema.ts), in one transaction
// under an advisory lock, so several servers starting at once apply each step once; then the
// append-only triggers, recreated when missing and said so (as SQLite's migrate.ts does).

import type pg from 'pg'
import { TRIGGERS } from '../migrate.ts'
import { MIGRATIONS, TRUNCATE_TRIGGERS, triggerSql } from './schema.ts'

/** The trigger names a Podium schema must have. */
export const PG_TRIGGER_NAMES: readonly string[] = [...TRIGGERS.map((t) => t.name), ...TRUNCATE_TRIGGERS.map((t) => t.name)]

/** The trigger names present in `schema`. */
export async function triggerNames (client: pg.PoolClient | pg.Pool, schema: string): Promise<Set<string>> {
  const r = await client.query<{ tgname: string }>(
    'SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND NOT t.tgisinternal',
    [schema])
  return new Set(r.rows.map((row) => row.tgname))
}

/**
 * Creates `schema` when missing, applies the pending migration steps and recreates missing
 * triggers, in one transaction under `pg_advisory_xact_lock`. Returns warnings in words (a trigger
 * recreated), each also recorded in `integrity_events` for `podium verify`.
 */
export async function migrate (client: pg.PoolClient, schema: string): Promise<string[]> {
  const warnings: string[] = []
  await client.query('BEGIN')
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('podium-migrate:' || $1))", [schema])
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`)
    await client.query(`SET LOCAL search_path TO "${schema}"`)
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)')
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version))
    const fresh = !done.has(1)
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue
      await client.query(m.sql)
      await client.query('INSERT INTO schema_migrations (version, description, applied_at) VALUES ($1, $2, $3)', [m.version, m.description, new Date().toISOString()])
    }
    if (!fresh) {
      const have = await triggerNames(client, schema)
      for (const t of [...TRIGGERS.map((t) => ({ ...t, sql: triggerSql(t) })), ...TRUNCATE_TRIGGERS]) {
        if (have.has(t.name)) continue
        await client.query(t.sql)
        const message = `trigger ${t.name} was missing (dropped: ${t.table} could be changed without the database refusing); it has been recreated`
        await client.query('INSERT INTO integrity_events (at, kind, detail) VALUES ($1, $2, $3)', [new Date().toISOString(), 'trigger-recreated', message])
        warnings.push(message)
      }
    }
    await client.query('COMMIT')
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {})
    throw err
  }
  return warnings
}
