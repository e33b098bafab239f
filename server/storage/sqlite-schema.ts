// The SQLite storage's tables and indexes, and the column added to databases made before it existed.

import type Database from 'better-sqlite3'
import { PART_TABLES } from './snapshot-parts.ts'

// Tables and indexes. Columns added after a release are also added to existing databases by
// migrate.ts (ALTER TABLE), which then chains the rows already stored.
/** The CREATE statements of every table and index (snapshot pieces' included), safe to run on an existing database. */
export const TABLES = `
CREATE TABLE IF NOT EXISTS docs (
  name TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_change TEXT,
  head_id INTEGER NOT NULL DEFAULT 0,
  head_hash TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS states (
  doc TEXT PRIMARY KEY REFERENCES docs(name),
  data BLOB NOT NULL,
  upto INTEGER NOT NULL,
  head TEXT,
  hash TEXT,
  structs INTEGER
);
CREATE TABLE IF NOT EXISTS updates (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  doc TEXT NOT NULL REFERENCES docs(name),
  data BLOB NOT NULL,
  prev TEXT,
  hash TEXT
);
CREATE INDEX IF NOT EXISTS updates_doc ON updates(doc, id);
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  update_id INTEGER NOT NULL,
  doc TEXT NOT NULL,
  token_id TEXT,
  role TEXT NOT NULL,
  delegation TEXT,
  at TEXT NOT NULL,
  client_ids TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  identity TEXT,
  link TEXT,
  prev TEXT,
  hash TEXT
);
CREATE INDEX IF NOT EXISTS audit_doc ON audit(doc, id);
CREATE TABLE IF NOT EXISTS provenance (
  doc TEXT NOT NULL,
  client INTEGER NOT NULL,
  clock INTEGER NOT NULL,
  len INTEGER NOT NULL,
  identity TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS provenance_doc ON provenance(doc);
CREATE TABLE IF NOT EXISTS refusals (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  doc TEXT NOT NULL,
  token_id TEXT,
  role TEXT NOT NULL,
  delegation TEXT,
  at TEXT NOT NULL,
  rule TEXT NOT NULL,
  reason TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  prev TEXT,
  hash TEXT
);
CREATE INDEX IF NOT EXISTS refusals_doc ON refusals(doc, id);
CREATE TABLE IF NOT EXISTS client_owners (
  doc TEXT NOT NULL,
  client_id INTEGER NOT NULL,
  identity TEXT NOT NULL,
  PRIMARY KEY (doc, client_id)
);
CREATE TABLE IF NOT EXISTS tokens (
  id TEXT PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  delegation TEXT,
  label TEXT,
  doc TEXT,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS deletions (
  update_id INTEGER PRIMARY KEY,
  doc TEXT NOT NULL,
  identity TEXT NOT NULL,
  ds BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS deletions_doc ON deletions(doc, update_id);
CREATE TABLE IF NOT EXISTS snapshots (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  doc TEXT NOT NULL REFERENCES docs(name),
  label TEXT NOT NULL,
  created_at TEXT NOT NULL,
  taken_by TEXT NOT NULL,
  role TEXT NOT NULL,
  cob_date TEXT,
  sha256 TEXT NOT NULL,
  upto INTEGER NOT NULL,
  totals TEXT NOT NULL,
  snapshot BLOB NOT NULL,
  state BLOB NOT NULL,
  head TEXT,
  prev TEXT,
  seal TEXT,
  parts INTEGER
);
CREATE INDEX IF NOT EXISTS snapshots_doc ON snapshots(doc, id);
-- One COB snapshot per document and day, whichever server process takes it first.
CREATE UNIQUE INDEX IF NOT EXISTS snapshots_cob ON snapshots(doc, cob_date) WHERE cob_date IS NOT NULL;
${PART_TABLES}
-- What opening the database found and did about it: a dropped trigger recreated, old rows chained.
CREATE TABLE IF NOT EXISTS integrity_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  kind TEXT NOT NULL,
  detail TEXT NOT NULL
);
`

// The states' struct count (their load cost, not part of their hash) came after the first release:
// added to older databases, whose states stay uncounted until they are compacted again.
/** Adds the states' `structs` column to a database made before it, once, whichever process opens it first. */
export function addStateStructs(db: Database.Database): void {
  // In one IMMEDIATE transaction: two processes opening an older database at once add it once.
  db.transaction(() => {
    const have = (db.prepare('PRAGMA table_info(states)').all() as { name: string }[]).some((c) => c.name === 'structs')
    if (!have) db.exec('ALTER TABLE states ADD COLUMN structs INTEGER')
  }).immediate()
}
