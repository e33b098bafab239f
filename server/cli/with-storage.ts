import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { DB_FILE } from '../storage/sqlite.ts'
import { describeStorage, openStorage, type OpenedStorage, type StorageSpec } from '../storage/open.ts'
import type { Storage } from '../storage/types.ts'
import { CliError } from './main.ts'
import { storageOpenError } from '../storage/open-error.ts'

/** The environment variable naming the PostgreSQL meeting when no --data or --postgres is given. */
export const POSTGRES_URL_ENV = 'PODIUM_POSTGRES_URL'

/** The usage text of the storage flags every command on a stored meeting takes. */
export const STORAGE_FLAGS_USAGE = '[--data DIR | --postgres URL]'

/**
 * The meeting a command works on: `--postgres URL`, else `--data DIR`, else $PODIUM_POSTGRES_URL,
 * else ./data. Both flags at once is a CliError.
 */
export function storageSpecOf (data: string | undefined, postgres: string | undefined): StorageSpec {
  if (data !== undefined && postgres !== undefined) throw new CliError('give --data DIR or --postgres URL, not both')
  if (postgres !== undefined) return { postgres }
  if (data !== undefined) return { dataDir: data }
  const env = process.env[POSTGRES_URL_ENV]
  return env ? { postgres: env } : { dataDir: './data' }
}

/** Opens the meeting `spec` names (creating an embedded database when missing), runs `use`, closes it. */
export function withStorage<T> (spec: StorageSpec, use: (storage: OpenedStorage) => T): T {
  let storage
  try {
    storage = openStorage(spec)
  } catch (err) {
    throw (spec.dataDir !== undefined ? storageOpenError(spec.dataDir, err) : null) ?? err
  }
  try {
    return use(storage)
  } finally {
    storage.close()
  }
}

/**
 * Runs `use` on an existing meeting and closes it; a CliError when a data directory holds no
 * database (a PostgreSQL meeting is opened as is: an empty schema holds no documents).
 */
export function withExistingStorage<T> (spec: string | StorageSpec, use: (storage: Storage) => T): T {
  const s: StorageSpec = typeof spec === 'string' ? { dataDir: spec } : spec
  if (s.dataDir !== undefined && !existsSync(join(s.dataDir, DB_FILE))) throw new CliError(`no Podium data in ${s.dataDir} (start the server once, or pass --data DIR or --postgres URL)`)
  return withStorage(s, use)
}

/** Where `spec` is, in words (the data directory, or the URL without its password). */
export { describeStorage }
