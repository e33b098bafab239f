// Token expiry and the revocation stamp, kept apart from the rest of the SQLite storage: the
// `expires_at` column (added to databases made before it existed) and one cheap query whose
// answer changes whenever any process revokes a token or sets an expiry.

import type BetterSqlite3 from 'better-sqlite3'

/** What this adds to SQLite storage (see Storage.setTokenExpiry and Storage.tokenRevision). */
export interface TokenExpiryStorage {
  setTokenExpiry(id: string, expiresAt: string | null): boolean
  tokenRevision(): string
}

function hasColumn(db: BetterSqlite3.Database): boolean {
  return (db.prepare('PRAGMA table_info(tokens)').all() as { name: string }[]).some((c) => c.name === 'expires_at')
}

/** Adds `tokens.expires_at` when missing and prepares the statements. */
export function tokenExpiryStorage(db: BetterSqlite3.Database): TokenExpiryStorage {
  if (!hasColumn(db)) {
    try {
      db.exec('ALTER TABLE tokens ADD COLUMN expires_at TEXT')
    } catch (err) {
      // Another process opening the same database added it first.
      if (!hasColumn(db)) throw err
    }
  }
  const setExpiry = db.prepare('UPDATE tokens SET expires_at = ? WHERE id = ?')
  // A handful of rows per meeting: a full scan every few hundred ms costs microseconds.
  const revision = db.prepare<[], { n: number; r: string | null; e: number; x: string | null }>(
    'SELECT count(revoked_at) AS n, max(revoked_at) AS r, count(expires_at) AS e, group_concat(expires_at) AS x FROM tokens')
  return {
    setTokenExpiry: (id, expiresAt) => setExpiry.run(expiresAt, id).changes > 0,
    tokenRevision: () => {
      const row = revision.get()!
      return `${row.n}|${row.r ?? ''}|${row.e}|${row.x ?? ''}`
    }
  }
}
