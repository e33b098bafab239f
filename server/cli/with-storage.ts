import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { DB_FILE, openSqliteStorage } from '../storage/sqlite.ts'
import type { Storage } from '../storage/types.ts'
import { CliError } from './main.ts'
import { storageOpenError } from '../storage/open-error.ts'

/** Runs `use` on the data directory's existing database and closes it; a CliError when there is none. */
export function withExistingStorage<T>(dataDir: string, use: (storage: Storage) => T): T {
  if (!existsSync(join(dataDir, DB_FILE))) throw new CliError(`no Podium data in ${dataDir} (start the server once, or pass --data DIR)`)
  let storage
  try {
    storage = openSqliteStorage(dataDir)
  } catch (err) {
    throw storageOpenError(dataDir, err) ?? err
  }
  try {
    return use(storage)
  } finally {
    storage.close()
  }
}
