// PostgreSQL for tests: each test file (or test) gets its own schema in the machine's database
// `test`, dropped afterwards. A missing PostgreSQL fails the test, never skips it.

import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterEach } from 'vitest'

/** The test database: PODIUM_TEST_POSTGRES_URL, else the machine's PostgreSQL on loopback (trust auth). */
export const TEST_POSTGRES_URL = process.env.PODIUM_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** An isolated schema: `url` opens Podium storage in it (`?schema=NAME`); `cleanup` drops it. */
export interface PostgresSchema {
  /** The connection URL with `?schema=NAME`, for `openStorage({ postgres: url })`, `startServer({ postgres: url })` or `--postgres URL`. */
  url: string
  /** The schema's name (`podium_test_…`). */
  schema: string
  /** Drops the schema and everything in it. Close storages on it first. */
  cleanup(): Promise<void>
}

/** The URL `base` with `?schema=NAME` set (any other query parameters kept). */
export function withSchemaParam (base: string, schema: string): string {
  const u = new URL(base)
  u.searchParams.set('schema', schema)
  return u.toString()
}

/**
 * Creates a fresh schema in the test database and returns its URL and a cleanup. Throws (the test
 * fails) when PostgreSQL cannot be reached: start it (see README.md, Tests) rather than skip.
 */
export async function withPostgresSchema (): Promise<PostgresSchema> {
  const schema = `podium_test_${process.pid}_${randomBytes(4).toString('hex')}`
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 5000 })
  try {
    await client.connect()
  } catch (err) {
    throw new Error(`PostgreSQL is not reachable at ${TEST_POSTGRES_URL} (${(err as Error).message}): the PostgreSQL tests need it running`)
  }
  try {
    await client.query(`CREATE SCHEMA "${schema}"`)
  } finally {
    await client.end()
  }
  return {
    url: withSchemaParam(TEST_POSTGRES_URL, schema),
    schema,
    cleanup: async () => {
      const c = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 5000 })
      await c.connect()
      try {
        await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      } finally {
        await c.end()
      }
    }
  }
}

/**
 * Runs `sql` in a transaction of its own in `schema` (a session as another process's would be),
 * left open — its locks held — until `release` rolls it back.
 */
export async function holdInSchema (schema: string, sql: string): Promise<{ release(): Promise<void> }> {
  const c = new pg.Client({ connectionString: TEST_POSTGRES_URL, options: `-c search_path=${schema}` })
  await c.connect()
  await c.query('BEGIN')
  await c.query(sql)
  return { release: async () => { await c.query('ROLLBACK'); await c.end() } }
}

/**
 * A fresh schema for each test of the calling file, dropped after the test: `const schemas =
 * schemaPerTest()` at the top, then `const schema = await schemas.create()` in a test.
 */
export function schemaPerTest (): { create(): Promise<PostgresSchema> } {
  let current: PostgresSchema | null = null
  afterEach(async () => {
    await current?.cleanup()
    current = null
  })
  return { create: async () => (current = await withPostgresSchema()) }
}
