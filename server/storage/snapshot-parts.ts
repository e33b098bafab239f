// A large snapshot's two encodings (its Yjs snapshot and its state) on SQLite, written in pieces of
// at most SNAPSHOT_PART_BYTES, each in a transaction of its own, before one small transaction inserts
// the snapshot row that names them (`snapshots.parts`) and seals them. Writing ~100 MB in one
// transaction held SQLite's write lock for ~0.4 s, and every live edit waited for it.
//
// The seal (chain.ts snapshotSeal) covers the bytes as reassembled, so its format is the one inline
// snapshots have and a changed, added or removed piece fails the seal check like a changed column.
// Pieces of a sealed snapshot are immutable (triggers, PART_TRIGGERS); pieces whose row never came (a
// crash, or a COB race lost) are removed: at once when the race is lost, at open for a dead writer's.

import type Database from 'better-sqlite3'
import { SNAPSHOT_PART_BYTES, SNAPSHOT_WRITE_STALE_MS } from '../../shared/limits.ts'

/** The tables of pieced snapshots (created with the rest of the schema; new tables, so additive). */
export const PART_TABLES = `
-- One row per pieced snapshot write in progress: who writes it, so a dead writer's pieces can be removed.
CREATE TABLE IF NOT EXISTS snapshot_writes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  doc TEXT NOT NULL,
  pid INTEGER NOT NULL,
  started_at TEXT NOT NULL
);
-- The pieces: kind 0 is the snapshot encoding, 1 the state; each the concatenation of its pieces by seq.
CREATE TABLE IF NOT EXISTS snapshot_parts (
  batch INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (batch, kind, seq)
);
`

/** Created once `snapshots.parts` exists (an older database gains the column first). */
export const PART_INDEX = 'CREATE UNIQUE INDEX IF NOT EXISTS snapshots_parts ON snapshots(parts) WHERE parts IS NOT NULL'

/** The triggers that make the pieces of a sealed snapshot immutable (SQLite only), as migrate.ts TRIGGERS lists them. */
export const PART_TRIGGERS: ReadonlyArray<{ name: string; table: string; sql: string }> = (['insert', 'update', 'delete'] as const).map((op) => ({
  name: `snapshot_parts_no_${op}`,
  table: 'snapshot_parts',
  sql: `CREATE TRIGGER IF NOT EXISTS snapshot_parts_no_${op} BEFORE ${op.toUpperCase()} ON snapshot_parts WHEN EXISTS (SELECT 1 FROM snapshots WHERE parts = ${op === 'insert' ? 'NEW' : 'OLD'}.batch) BEGIN SELECT RAISE(ABORT, 'snapshots are immutable'); END;`
}))

/** True when a snapshot of these encodings is written in pieces rather than inline in its row. */
export function writesInParts(snapshot: Uint8Array, state: Uint8Array): boolean {
  return snapshot.byteLength + state.byteLength > SNAPSHOT_PART_BYTES
}

// Sleeps the calling thread (a worker's, or a command's): storage calls are synchronous.
const pause = new Int32Array(new SharedArrayBuffer(4))
function sleep(ms: number): void {
  Atomics.wait(pause, 0, 0, ms)
}

/** What writeParts left: the batch the snapshot row names, and what its pieces hold. */
export interface WrittenParts {
  batch: number
  /** Pieces and bytes per kind, as the final transaction checks they are all still there. */
  pieces: [number, number]
  bytes: [number, number]
}

/**
 * Reads one encoding of a snapshot row: reassembled from its pieces when the row names a batch
 * (`parts`), else `inline` itself, even when a hand edit made it text (the seal check then fails, as
 * it should). Needs only snapshot_parts, so verify and migrate can read a database as they find it.
 */
export function partsReader(db: Database.Database): <T extends Uint8Array>(parts: number | null | undefined, kind: 0 | 1, inline: T) => T | Buffer {
  let stmt: Database.Statement<[number, number], { data: Buffer }> | null = null
  return (parts, kind, inline) => {
    if (parts === null || parts === undefined) return inline
    stmt ??= db.prepare<[number, number], { data: Buffer }>('SELECT data FROM snapshot_parts WHERE batch = ? AND kind = ? ORDER BY seq')
    return Buffer.concat(stmt.all(parts, kind).map((r) => r.data))
  }
}

/**
 * Reading and writing pieced snapshots on one connection. With `gaps` (the default) the writer pauses
 * after each piece so other connections' appends get the lock in between.
 */
export function snapshotParts(db: Database.Database, options: { gaps?: boolean } = {}) {
  const gaps = options.gaps ?? true
  const q = {
    begin: db.prepare('INSERT INTO snapshot_writes (doc, pid, started_at) VALUES (?, ?, ?)'),
    insert: db.prepare('INSERT INTO snapshot_parts (batch, kind, seq, data) VALUES (?, ?, ?, ?)'),
    // length() of a blob reads its size, not its pages.
    sizes: db.prepare<[number], { kind: number; n: number; bytes: number }>('SELECT kind, COUNT(*) AS n, SUM(LENGTH(data)) AS bytes FROM snapshot_parts WHERE batch = ? GROUP BY kind'),
    oneRowid: db.prepare<[number], { rowid: number }>('SELECT rowid FROM snapshot_parts WHERE batch = ? LIMIT 1'),
    deleteRow: db.prepare('DELETE FROM snapshot_parts WHERE rowid = ?'),
    done: db.prepare('DELETE FROM snapshot_writes WHERE id = ?'),
    writes: db.prepare<[], { id: number; pid: number; started_at: string }>('SELECT id, pid, started_at FROM snapshot_writes'),
    orphans: db.prepare<[], { batch: number }>('SELECT DISTINCT batch FROM snapshot_parts WHERE batch NOT IN (SELECT parts FROM snapshots WHERE parts IS NOT NULL) AND batch NOT IN (SELECT id FROM snapshot_writes)')
  }
  const synchronous = () => db.pragma('synchronous', { simple: true }) as number

  // One short transaction per piece, then a pause as long as it held the lock (at least 2 ms), so a
  // live edit waiting in SQLite's busy handler (it retries after 1, 2, 5, 10… ms) finds the lock free.
  const writePiece = (batch: number, kind: number, seq: number, data: Uint8Array) => {
    const t0 = performance.now()
    q.insert.run(batch, kind, seq, data)
    if (gaps) sleep(Math.max(2, Math.ceil(performance.now() - t0)))
  }

  const remove = (batch: number): void => {
    for (let r = q.oneRowid.get(batch); r; r = q.oneRowid.get(batch)) {
      const t0 = performance.now()
      q.deleteRow.run(r.rowid)
      if (gaps) sleep(Math.max(1, Math.ceil(performance.now() - t0)))
    }
    q.done.run(batch)
  }

  return {
    /**
     * Writes both encodings in pieces of at most SNAPSHOT_PART_BYTES, each piece in its own
     * transaction, under a new batch of document `doc`. Pieces are not synced one by one: the commit
     * of the row that seals them syncs the log they precede in. On an error the pieces written so far
     * are removed (and any left by a crash are removed at a later open).
     */
    write(doc: string, blobs: readonly [Uint8Array, Uint8Array]): WrittenParts {
      const batch = Number(q.begin.run(doc, process.pid, new Date().toISOString()).lastInsertRowid)
      const before = synchronous()
      const parts: WrittenParts = { batch, pieces: [0, 0], bytes: [0, 0] }
      try {
        db.pragma('synchronous = NORMAL')
        blobs.forEach((blob, kind) => {
          for (let at = 0, seq = 0; at < blob.byteLength; at += SNAPSHOT_PART_BYTES, seq++) {
            writePiece(batch, kind, seq, blob.subarray(at, Math.min(blob.byteLength, at + SNAPSHOT_PART_BYTES)))
            parts.pieces[kind]++
          }
          parts.bytes[kind] = blob.byteLength
        })
      } catch (err) {
        db.pragma(`synchronous = ${before}`)
        remove(batch)
        throw err
      }
      db.pragma(`synchronous = ${before}`)
      return parts
    },

    /** True when every piece `parts` recorded is still stored (checked inside the sealing transaction). */
    intact(parts: WrittenParts): boolean {
      const found = new Map(q.sizes.all(parts.batch).map((r) => [r.kind, r]))
      return [0, 1].every((kind) => (found.get(kind)?.n ?? 0) === parts.pieces[kind] && (found.get(kind)?.bytes ?? 0) === parts.bytes[kind])
    },

    /** Marks a batch's write finished (its row is inserted in the same transaction). */
    finish(batch: number): void {
      q.done.run(batch)
    },

    /** One encoding of a snapshot row, as partsReader reads it. */
    read: partsReader(db),

    /** Removes the pieces of a batch no row names, piece by piece (each a short transaction), and its write row. */
    remove,

    /**
     * Removes what writers that are gone left behind: write rows of a process that no longer runs
     * (or begun over SNAPSHOT_WRITE_STALE_MS ago), and pieces no row names and no write owns.
     * Returns how many batches it removed.
     */
    removeLeftovers(now = Date.now()): number {
      for (const w of q.writes.all()) {
        if (!alive(w.pid) || now - Date.parse(w.started_at) > SNAPSHOT_WRITE_STALE_MS) q.done.run(w.id)
      }
      const orphans = q.orphans.all()
      for (const { batch } of orphans) remove(batch)
      return orphans.length
    }
  }
}

// True when a process with this id runs (ours included); EPERM means it runs as someone else.
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
