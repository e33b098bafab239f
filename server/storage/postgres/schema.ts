// The PostgreSQL schema as data: numbered migration steps, each run once in order (migrate.ts), and
// the append-only triggers. Columns mirror sqlite.ts so that every row hashes as it does there.
// Text that is ordered or compared (names, ISO times) uses the C collation: byte order, as SQLite.

import { TRIGGERS } from '../migrate.ts'

/** One migration step: its number (1, 2, …, never reused) and its SQL. */
export interface Migration {
  version: number
  description: string
  sql: string
}

// The chains' counters: the last id of each append-only table and of the update log, kept in a
// row updated inside the writing transaction, so a rolled-back write leaves no gap (a sequence
// would, and `podium verify` reads a gap at the end of the audit as rows deleted).
const TABLES = `
CREATE TABLE docs (
  name TEXT COLLATE "C" PRIMARY KEY,
  title TEXT NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  last_change TEXT,
  head_id BIGINT NOT NULL DEFAULT 0,
  head_hash TEXT NOT NULL DEFAULT '',
  visibility TEXT NOT NULL DEFAULT 'public',
  archived_at TEXT,
  header TEXT
);
CREATE TABLE counters (
  name TEXT PRIMARY KEY,
  last_id BIGINT NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO counters (name, last_id, hash) VALUES ('updates', 0, ''), ('audit', 0, ''), ('refusals', 0, '');
CREATE TABLE states (
  doc TEXT COLLATE "C" PRIMARY KEY REFERENCES docs(name),
  data BYTEA NOT NULL,
  upto BIGINT NOT NULL,
  head TEXT,
  hash TEXT
);
CREATE TABLE updates (
  id BIGINT PRIMARY KEY,
  doc TEXT COLLATE "C" NOT NULL REFERENCES docs(name),
  data BYTEA NOT NULL,
  prev TEXT,
  hash TEXT
);
CREATE INDEX updates_doc ON updates(doc, id);
CREATE TABLE audit (
  id BIGINT PRIMARY KEY,
  update_id BIGINT NOT NULL,
  doc TEXT COLLATE "C" NOT NULL,
  token_id TEXT,
  role TEXT NOT NULL,
  delegation TEXT,
  at TEXT COLLATE "C" NOT NULL,
  client_ids TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  identity TEXT,
  link TEXT,
  prev TEXT,
  hash TEXT
);
CREATE INDEX audit_doc ON audit(doc, id);
CREATE TABLE provenance (
  id BIGSERIAL PRIMARY KEY,
  doc TEXT COLLATE "C" NOT NULL,
  client BIGINT NOT NULL,
  clock BIGINT NOT NULL,
  len BIGINT NOT NULL,
  identity TEXT NOT NULL
);
CREATE INDEX provenance_doc ON provenance(doc, id);
CREATE TABLE refusals (
  id BIGINT PRIMARY KEY,
  doc TEXT COLLATE "C" NOT NULL,
  token_id TEXT,
  role TEXT NOT NULL,
  delegation TEXT,
  at TEXT COLLATE "C" NOT NULL,
  rule TEXT NOT NULL,
  reason TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  prev TEXT,
  hash TEXT
);
CREATE INDEX refusals_doc ON refusals(doc, id);
CREATE TABLE client_owners (
  doc TEXT COLLATE "C" NOT NULL,
  client_id BIGINT NOT NULL,
  identity TEXT NOT NULL,
  PRIMARY KEY (doc, client_id)
);
CREATE TABLE tokens (
  seq BIGSERIAL UNIQUE,
  id TEXT PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  delegation TEXT,
  label TEXT,
  doc TEXT,
  created_at TEXT COLLATE "C" NOT NULL,
  revoked_at TEXT COLLATE "C",
  expires_at TEXT
);
CREATE TABLE deletions (
  update_id BIGINT PRIMARY KEY,
  doc TEXT COLLATE "C" NOT NULL,
  identity TEXT NOT NULL,
  ds BYTEA NOT NULL
);
CREATE INDEX deletions_doc ON deletions(doc, update_id);
CREATE TABLE snapshots (
  id BIGSERIAL PRIMARY KEY,
  doc TEXT COLLATE "C" NOT NULL REFERENCES docs(name),
  label TEXT NOT NULL,
  created_at TEXT NOT NULL,
  taken_by TEXT NOT NULL,
  role TEXT NOT NULL,
  cob_date TEXT,
  sha256 TEXT NOT NULL,
  upto BIGINT NOT NULL,
  totals TEXT NOT NULL,
  snapshot BYTEA NOT NULL,
  state BYTEA NOT NULL,
  head TEXT,
  prev TEXT,
  seal TEXT
);
CREATE INDEX snapshots_doc ON snapshots(doc, id);
-- One COB snapshot per document and day, whichever server takes it first.
CREATE UNIQUE INDEX snapshots_cob ON snapshots(doc, cob_date) WHERE cob_date IS NOT NULL;
CREATE TABLE integrity_events (
  id BIGSERIAL PRIMARY KEY,
  at TEXT NOT NULL,
  kind TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE leases (
  doc TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  fence BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE FUNCTION podium_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'restrict_violation';
END $$;
`

/** The SQL creating one append-only trigger (same names as SQLite's: `<table>_no_<op>`). */
export function triggerSql (t: { name: string; table: string }): string {
  const op = t.name.endsWith('_no_update') ? 'UPDATE' : 'DELETE'
  const message = t.table === 'snapshots' ? 'snapshots are immutable' : t.table === 'integrity_events' ? 'integrity events are append-only' : 'audit is append-only'
  return `CREATE TRIGGER ${t.name} BEFORE ${op} ON ${t.table} FOR EACH ROW EXECUTE FUNCTION podium_refuse('${message}')`
}

/** TRUNCATE skips row triggers: one statement trigger per append-only table refuses it too. */
export const TRUNCATE_TRIGGERS = [...new Set(TRIGGERS.map((t) => t.table))].map((table) => ({
  name: `${table}_no_truncate`,
  table,
  sql: `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION podium_refuse('${table} cannot be truncated')`
}))

/** Every migration step, in order. Append new steps; never edit a released one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'tables, the COB index, append-only triggers',
    sql: [TABLES, ...TRIGGERS.map(triggerSql), ...TRUNCATE_TRIGGERS.map((t) => t.sql)].join(';\n')
  },
  {
    version: 2,
    description: 'the struct count of each compacted state (its load cost)',
    sql: 'ALTER TABLE states ADD COLUMN IF NOT EXISTS structs BIGINT'
  }
]
