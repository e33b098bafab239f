// A database that cannot be opened or read (not SQLite, damaged pages, no permission) is said in one
// line that names the file and what to do; `podium serve` and every command print it and exit 2.

import { join } from 'node:path'

/** podium.db could not be opened or read; the message names the file and what to do. */
export class StorageOpenError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'StorageOpenError'
  }
}

/** The StorageOpenError for `err` thrown while opening or first reading `dataDir`'s database, or null when it is something else. */
export function storageOpenError(dataDir: string, err: unknown): StorageOpenError | null {
  const file = join(dataDir, 'podium.db')
  const code = String((err as { code?: unknown })?.code ?? '')
  const what = String((err as Error)?.message ?? err).split('\n')[0]
  const restore = `restore it from a backup (podium restore-backup BACKUP --data ${dataDir} --force), or move it and its -wal and -shm files away to start an empty meeting`
  if (code === 'SQLITE_NOTADB') return new StorageOpenError(`${file} is not a Podium database (${what}): ${restore}`)
  if (code.startsWith('SQLITE_CORRUPT')) return new StorageOpenError(`${file} is damaged (${what}): ${restore}; "podium backup" of a damaged file copies the damage`)
  if (code === 'SQLITE_CANTOPEN' || code === 'EACCES' || code === 'SQLITE_READONLY' || code === 'SQLITE_PERM') return new StorageOpenError(`${file} cannot be opened (${what}): check that the directory exists and this user may read and write it`)
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return new StorageOpenError(`${file} cannot be written: the disk is full (${what}); free some space and start again`)
  return null
}
