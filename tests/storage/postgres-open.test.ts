// Opening PostgreSQL storage: the URL is checked before anything connects (a hostile schema name
// never reaches SQL), migrations are numbered and applied once even when several servers open a
// fresh schema at the same moment, and opening again changes nothing.

import { afterEach, describe, expect, it } from 'vitest'
import pg from 'pg'
import { openPostgresStorage, parsePostgresUrl } from '../../server/storage/postgres/index.ts'
import { MIGRATIONS } from '../../server/storage/postgres/schema.ts'
import { TEST_POSTGRES_URL, withPostgresSchema, withSchemaParam, type PostgresSchema } from '../helpers/postgres.ts'
import { race } from './race.ts'

let schema: PostgresSchema | null = null
afterEach(async () => {
  await schema?.cleanup()
  schema = null
})

async function applied (name: string): Promise<number[]> {
  const c = new pg.Client({ connectionString: TEST_POSTGRES_URL })
  await c.connect()
  try {
    return (await c.query<{ version: number }>(`SELECT version FROM "${name}".schema_migrations ORDER BY version`)).rows.map((r) => r.version)
  } finally {
    await c.end()
  }
}

describe('opening PostgreSQL storage', () => {
  it('refuses a malformed URL or schema name with a RangeError naming it, before connecting', () => {
    expect(() => parsePostgresUrl('mysql://x@127.0.0.1/test')).toThrow(/does not start with postgres:\/\//)
    expect(() => parsePostgresUrl('not a url')).toThrow(RangeError)
    for (const bad of ['x";DROP SCHEMA public CASCADE;--', 'a b', '1abc', 'x'.repeat(64), '']) {
      expect(() => openPostgresStorage(withSchemaParam(TEST_POSTGRES_URL, bad)), bad).toThrow(RangeError)
    }
    const t = parsePostgresUrl('postgres://podium:secret@127.0.0.1:5432/test?schema=room_1&sslmode=disable')
    expect(t).toMatchObject({ schema: 'room_1', connectionString: 'postgres://podium:secret@127.0.0.1:5432/test?sslmode=disable' })
    expect(t.display).not.toContain('secret')
  })

  it('says in one line that the URL names no database (StorageOpenError), rather than that it is down', { timeout: 60_000 }, () => {
    const url = new URL(TEST_POSTGRES_URL)
    url.pathname = '/podium_no_such_database'
    let err: Error | null = null
    try { openPostgresStorage(url.toString()).close() } catch (e) { err = e as Error }
    expect(err?.name).toBe('StorageOpenError')
    expect(err?.message).toMatch(/refused the connection: .*podium_no_such_database.*check the user, password and database/)
    expect(err?.message.split('\n')).toHaveLength(1)
  })

  it('applies each migration once when several processes open a fresh schema at once', { timeout: 120_000 }, async () => {
    schema = await withPostgresSchema()
    const spec = { postgres: schema.url }
    const out = await race(spec, [['open', '-', '-'], ['open', '-', '-'], ['open', '-', '-']])
    expect(out).toEqual([[], [], []])
    expect(await applied(schema.schema)).toEqual(MIGRATIONS.map((m) => m.version))
    const again = openPostgresStorage(schema.url)
    expect(again.openWarnings).toEqual([])
    again.close()
    expect(await applied(schema.schema)).toEqual(MIGRATIONS.map((m) => m.version))
  })

  it('creates the schema named in the URL when it is missing', { timeout: 60_000 }, async () => {
    schema = await withPostgresSchema()
    const fresh = `${schema.schema}_new`
    const s = openPostgresStorage(withSchemaParam(TEST_POSTGRES_URL, fresh))
    try {
      expect(s.listDocs()).toEqual([])
      expect(await applied(fresh)).toEqual(MIGRATIONS.map((m) => m.version))
    } finally {
      s.close()
      const c = new pg.Client({ connectionString: TEST_POSTGRES_URL })
      await c.connect()
      await c.query(`DROP SCHEMA IF EXISTS "${fresh}" CASCADE`)
      await c.end()
    }
  })
})
