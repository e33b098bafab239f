// Which database a meeting lives in: an embedded SQLite file in a data directory (the default), or
// PostgreSQL for several servers sharing one meeting. Every command and the server open it here.

import { openPostgresStorage } from './postgres/index.ts'
import type { BatchAppend } from './append-types.ts'
import { openSqliteStorage, type DocSizes, type IntegrityCheck } from './sqlite.ts'
import type { Storage } from './types.ts'

/** Where a meeting is stored: `{ dataDir }` (SQLite, podium.db inside) or `{ postgres: url }`. */
export type StorageSpec =
  | { dataDir: string; synchronous?: 'full' | 'normal'; pieceGaps?: boolean; postgres?: undefined }
  | { postgres: string; dataDir?: undefined }

/** Storage as opened by openStorage: the contract and what both implementations add. */
export type OpenedStorage = Storage & BatchAppend & IntegrityCheck & DocSizes

/**
 * Opens the meeting `spec` names, creating its database (or schema) when missing. Throws RangeError
 * for a spec that names neither, or both; otherwise what openSqliteStorage / openPostgresStorage throw.
 */
export function openStorage (spec: StorageSpec): OpenedStorage {
  if (spec?.postgres !== undefined && spec.dataDir !== undefined) throw new RangeError(`storage ${JSON.stringify(spec)} names both a data directory and PostgreSQL`)
  if (typeof spec?.postgres === 'string') return openPostgresStorage(spec.postgres)
  if (typeof spec?.dataDir === 'string') return openSqliteStorage(spec.dataDir, { synchronous: spec.synchronous, pieceGaps: spec.pieceGaps })
  throw new RangeError(`storage ${JSON.stringify(spec)} names neither a data directory nor a PostgreSQL URL`)
}

/** The spec in words, for messages: the data directory, or the URL with its password hidden. */
export function describeStorage (spec: StorageSpec): string {
  if (spec.postgres !== undefined) {
    try {
      const u = new URL(spec.postgres)
      if (u.password) u.password = '***'
      return u.toString()
    } catch {
      return 'PostgreSQL (malformed URL)'
    }
  }
  return spec.dataDir
}
