// Where the PostgreSQL storage connects and how long it waits: the connection URL (with an optional
// `?schema=NAME`) and the timeouts, named once here.

/** How long one storage call may take before it fails with StorageUnavailableError, in ms. */
export const CALL_TIMEOUT_MS = 5_000

/** How long a compaction started without blocking (startCompact) may take, in ms: it may merge a whole log. */
export const COMPACT_TIMEOUT_MS = 60_000

/** How long opening may take (starting the worker thread, connecting, running migrations), in ms. */
export const OPEN_TIMEOUT_MS = 20_000

/** How long the pool waits for a connection to PostgreSQL before the call fails, in ms. */
export const CONNECT_TIMEOUT_MS = 3_000

/** Connections one storage (one process or worker thread) keeps to PostgreSQL at most. */
export const POOL_MAX = 4

/** The schema used when the URL names none. */
export const DEFAULT_SCHEMA = 'public'

/** A parsed connection URL: what `pg` connects with, and the schema Podium's tables live in. */
export interface PostgresTarget {
  /** The URL without `schema` (passed to `pg` as is). */
  connectionString: string
  /** The schema (created when missing), `public` by default. */
  schema: string
  /** The URL as given, with any password replaced by `***`, for messages. */
  display: string
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

/**
 * Parses `postgres://user@host:port/db?schema=NAME`. Throws RangeError naming the value when it is
 * not a postgres:// or postgresql:// URL or the schema is not a plain identifier.
 */
export function parsePostgresUrl (url: string): PostgresTarget {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    throw new RangeError(`PostgreSQL URL ${JSON.stringify(url)} is not a URL (expected postgres://user@host:5432/database)`)
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw new RangeError(`PostgreSQL URL ${JSON.stringify(url)} does not start with postgres://`)
  const schema = u.searchParams.get('schema') ?? DEFAULT_SCHEMA
  if (!SCHEMA_NAME.test(schema)) throw new RangeError(`schema ${JSON.stringify(schema)} is not a plain name (letters, digits and _, at most 63)`)
  u.searchParams.delete('schema')
  const display = new URL(u.toString())
  if (display.password) display.password = '***'
  if (schema !== DEFAULT_SCHEMA) display.searchParams.set('schema', schema)
  return { connectionString: u.toString(), schema, display: display.toString() }
}
