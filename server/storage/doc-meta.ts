// Document visibility, archive and header columns, meeting settings and document leases, kept apart
// from the rest of the SQLite storage: columns and tables added to databases made before they
// existed, and their statements.

import type BetterSqlite3 from 'better-sqlite3'
import { FencedError, VISIBILITIES, type Lease, type Storage, type Visibility } from './types.ts'

/** What this adds to SQLite storage (see the Storage methods of the same names), and the fence check. */
export interface DocMetaStorage extends Pick<Storage, 'setDocMeta' | 'getSetting' | 'setSetting' | 'acquireLease' | 'releaseLease' | 'leaseOf'> {
  /** Throws FencedError unless `fence` is the document's current lease fence; call inside the append transaction. */
  checkFence(doc: string, fence: number): void
}

// Columns of `docs` added after a release, as ALTER TABLE adds them.
const DOC_COLUMNS = ["visibility TEXT NOT NULL DEFAULT 'public'", 'archived_at TEXT', 'header TEXT']

const TABLES = `
CREATE TABLE IF NOT EXISTS settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS leases (
  doc TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  fence INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
`

function docColumns(db: BetterSqlite3.Database): Set<string> {
  return new Set((db.prepare('PRAGMA table_info(docs)').all() as { name: string }[]).map((c) => c.name))
}

type LeaseRow = { doc: string; holder: string; fence: number; expires_at: number }
const leaseOf = (r: LeaseRow): Lease => ({ doc: r.doc, holder: r.holder, fence: r.fence, expiresAt: r.expires_at })

/** The visibility stored in a row, `public` for anything unknown (rows older than the column). */
export function visibilityOf(value: unknown): Visibility {
  return VISIBILITIES.includes(value as Visibility) ? value as Visibility : 'public'
}

/** Adds the columns and tables when missing and prepares the statements. */
export function docMetaStorage(db: BetterSqlite3.Database): DocMetaStorage {
  db.transaction(() => {
    const have = docColumns(db)
    for (const def of DOC_COLUMNS) if (!have.has(def.split(' ')[0])) db.exec(`ALTER TABLE docs ADD COLUMN ${def}`)
    db.exec(TABLES)
  }).immediate()
  const q = {
    getSetting: db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?'),
    putSetting: db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
    delSetting: db.prepare('DELETE FROM settings WHERE key = ?'),
    lease: db.prepare<[string], LeaseRow>('SELECT * FROM leases WHERE doc = ?'),
    putLease: db.prepare('INSERT INTO leases (doc, holder, fence, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT(doc) DO UPDATE SET holder = excluded.holder, fence = excluded.fence, expires_at = excluded.expires_at'),
    release: db.prepare('UPDATE leases SET expires_at = 0 WHERE doc = ? AND holder = ?')
  }
  const acquire = db.transaction((doc: string, holder: string, ttlMs: number): Lease | null => {
    const now = Date.now()
    const row = q.lease.get(doc)
    if (row && row.holder !== holder && row.expires_at > now) return null
    // The fence changes whenever the lease changes hands, or is taken again after it lapsed.
    const fence = row ? (row.holder === holder && row.expires_at > now ? row.fence : row.fence + 1) : 1
    q.putLease.run(doc, holder, fence, now + ttlMs)
    return { doc, holder, fence, expiresAt: now + ttlMs }
  })
  return {
    setDocMeta: (name, patch) => {
      if (patch.visibility !== undefined && !VISIBILITIES.includes(patch.visibility)) throw new RangeError(`visibility ${JSON.stringify(patch.visibility)} is not one of ${VISIBILITIES.join(', ')}`)
      const sets: string[] = []
      const values: (string | null)[] = []
      if (patch.visibility !== undefined) { sets.push('visibility = ?'); values.push(patch.visibility) }
      if (patch.archivedAt !== undefined) { sets.push('archived_at = ?'); values.push(patch.archivedAt) }
      if (patch.header !== undefined) { sets.push('header = ?'); values.push(patch.header) }
      if (sets.length === 0) return db.prepare('SELECT 1 FROM docs WHERE name = ?').get(name) !== undefined
      return db.prepare(`UPDATE docs SET ${sets.join(', ')} WHERE name = ?`).run(...values, name).changes > 0
    },
    getSetting: (key) => q.getSetting.get(key)?.value ?? null,
    setSetting: (key, value) => { if (value === null) q.delSetting.run(key); else q.putSetting.run(key, value) },
    acquireLease: (doc, holder, ttlMs) => acquire.immediate(doc, holder, ttlMs),
    releaseLease: (doc, holder) => { q.release.run(doc, holder) },
    leaseOf: (doc) => {
      const row = q.lease.get(doc)
      return row ? leaseOf(row) : null
    },
    checkFence: (doc, fence) => {
      const row = q.lease.get(doc)
      if (!row || row.fence !== fence) throw new FencedError(doc, fence)
    }
  }
}
