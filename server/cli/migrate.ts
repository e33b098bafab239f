// `podium migrate --from DATA_DIR --to URL`: copies an embedded meeting (SQLite) into PostgreSQL
// as it is stored — ids, links and hashes kept, so the chains verify on the target — then checks
// the copy: the target's chains intact with the same heads as the source's, every document's
// text the same. Refuses (nothing written) when the target already holds a meeting.

import Database from 'better-sqlite3'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import * as Y from 'yjs'
import { loadStoredYDoc } from '../documents.ts'
import { snapshotTextSha256 } from '../snapshots/service.ts'
import { DB_FILE, openSqliteStorage } from '../storage/sqlite.ts'
import { partsReader } from '../storage/snapshot-parts.ts'
import { IMPORT_TABLES, openPostgresStorage, type MeetingDump, type TableRows } from '../storage/postgres/index.ts'
import type { Storage } from '../storage/types.ts'
import { verifyFile } from '../storage/verify.ts'
import { readDocFromY } from '../../shared/ydoc.ts'
import { parseCli } from './flags.ts'
import { CliError } from './main.ts'

const HELP = `usage: podium migrate --from DATA_DIR --to URL
Copies the embedded meeting in DATA_DIR (podium.db) into PostgreSQL at URL
(postgres://user@host:5432/db[?schema=NAME]): documents with their states and logs, the audit and
refusals, provenance, deletion records, tokens, snapshots, settings and integrity events, with their
ids and hashes. Then checks the copy (hash chains, heads, every document's text).
Stop the server on DATA_DIR first. Refuses when the target already holds a meeting.
Exit status: 0 copied and checked, 1 the copy does not check, 2 usage or refused.`

// Rows of one SQLite table, every column, in id (or rowid) order. Provenance and tokens have no id
// column in SQLite: their rowid is their order, kept as `id` / `seq`.
function tableRows (db: Database.Database, table: string): TableRows {
  const extra = table === 'provenance' ? 'rowid AS id, ' : table === 'tokens' ? 'rowid AS seq, ' : ''
  const stmt = db.prepare(`SELECT ${extra}* FROM ${table} ORDER BY rowid`)
  const columns = stmt.columns().map((c) => c.name)
  const rows = (stmt.raw().all() as unknown[][])
  return { columns, rows }
}

// Snapshots as PostgreSQL stores them: a pieced snapshot's encodings reassembled into its row
// (snapshot-parts.ts), without the `parts` column SQLite alone has.
function snapshotRows (db: Database.Database): TableRows {
  const t = tableRows(db, 'snapshots')
  const at = (name: string) => t.columns.indexOf(name)
  const [partsAt, snapAt, stateAt] = [at('parts'), at('snapshot'), at('state')]
  if (partsAt < 0) return t
  const read = partsReader(db)
  return {
    columns: t.columns.filter((_, i) => i !== partsAt),
    rows: t.rows.map((row) => {
      const batch = row[partsAt] as number | null
      const out = [...row]
      if (batch !== null) {
        out[snapAt] = read(batch, 0, row[snapAt] as Buffer)
        out[stateAt] = read(batch, 1, row[stateAt] as Buffer)
      }
      return out.filter((_, i) => i !== partsAt)
    })
  }
}

/** The whole meeting in `dataDir`'s database, read in one transaction. */
export function dumpSqlite (file: string): MeetingDump {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    db.pragma('busy_timeout = 5000')
    return db.transaction(() => {
      const tables: Record<string, TableRows> = {}
      for (const t of IMPORT_TABLES) tables[t] = t === 'snapshots' ? snapshotRows(db) : tableRows(db, t)
      const seq = (name: string) => db.prepare<[string], { seq: number }>('SELECT seq FROM sqlite_sequence WHERE name = ?').get(name)?.seq ?? 0
      const head = (table: string) => db.prepare<[], { hash: string | null }>(`SELECT hash FROM ${table} ORDER BY id DESC LIMIT 1`).get()?.hash ?? ''
      return {
        tables,
        counters: {
          updates: { lastId: seq('updates'), hash: '' },
          audit: { lastId: seq('audit'), hash: head('audit') },
          refusals: { lastId: seq('refusals'), hash: head('refusals') }
        }
      }
    })()
  } finally {
    db.close()
  }
}

// A document's text as the editor reads it, for comparing source and target.
function textOf (storage: Storage, name: string): string {
  const ydoc = loadStoredYDoc(storage, name)
  if (!ydoc) return ''
  try {
    return JSON.stringify(readDocFromY(ydoc).toJSON()) + '\n' + Y.encodeStateVector(ydoc).join(',')
  } finally {
    ydoc.destroy()
  }
}

/** Runs `podium migrate`. */
export async function migrate (args: string[]): Promise<number> {
  const { values, positionals } = parseCli(args, { from: { type: 'string' }, to: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, HELP)
  if (values.help) { process.stdout.write(HELP + '\n'); return 0 }
  if (positionals.length > 0) throw new CliError(`unexpected argument ${positionals[0]}\n${HELP}`)
  const from = values.from as string | undefined
  const to = values.to as string | undefined
  if (!from || !to) throw new CliError(`--from DATA_DIR and --to URL are both required\n${HELP}`)
  const file = join(from, DB_FILE)
  if (!existsSync(file)) throw new CliError(`no Podium data in ${from} (no ${DB_FILE})`)

  // Brought up to this version's schema first (columns added, old rows chained), then checked: a
  // broken source would copy as broken.
  openSqliteStorage(from).close()
  const before = verifyFile(file)
  if (!before.ok) throw new CliError(`${from} does not verify (${before.problems[0].where}: ${before.problems[0].message}); run podium verify --data ${from}, nothing copied`)

  const target = openPostgresStorage(to)
  try {
    if (!target.isEmpty()) throw new CliError(`${target.where} already holds a meeting; migrate into an empty database or schema (?schema=NAME), nothing copied`)
    const dump = dumpSqlite(file)
    const done = target.importMeeting(dump)
    if (!done.ok) throw new CliError(`${target.where}: ${done.reason}; nothing copied`)
    process.stdout.write(`copied ${done.rows} rows from ${file} to ${target.where}\n`)

    const report = target.verify({ snapshotTextSha256 })
    const problems = report.problems.map((p) => `${p.where}: ${p.message}`)
    const sourceHeads = new Map(before.heads.map((h) => [h.doc, `${h.id}:${h.hash}`]))
    for (const h of report.heads) if (sourceHeads.get(h.doc) !== `${h.id}:${h.hash}`) problems.push(`${h.doc}: its chain head on the target (update ${h.id}) is not the source's`)
    if (report.heads.length !== before.heads.length) problems.push(`the target holds ${report.heads.length} documents, the source ${before.heads.length}`)
    const source = openSqliteStorage(from)
    let docs = 0
    try {
      for (const d of source.listDocs()) {
        if (textOf(source, d.name) !== textOf(target, d.name)) problems.push(`${d.name}: its text on the target is not the source's`)
        docs++
      }
    } finally {
      source.close()
    }
    if (problems.length > 0) {
      process.stderr.write(`podium migrate: the copy in ${target.where} does not check:\n${problems.map((p) => `  ${p}`).join('\n')}\n`)
      return 1
    }
    const c = report.checked
    process.stdout.write(`checked: ${docs} documents with the same text and chain heads; ${c.updates} updates, ${c.states} compacted states, ${c.snapshots} snapshots, ${c.audit} audit rows, ${c.refusals} refusals intact\n`)
    return 0
  } finally {
    target.close()
  }
}
