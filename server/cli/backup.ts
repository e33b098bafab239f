// `podium backup --data DIR -o FILE` and `podium restore-backup FILE --data DIR [--force]`.
// A backup is SQLite's online backup of podium.db: a consistent copy of everything committed —
// including what is still only in podium.db-wal — taken page by page while the server keeps writing.
// Copying podium.db alone (without its -wal) loses the newest acknowledged edits; see docs/server.md.

import Database from 'better-sqlite3'
import { existsSync, renameSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { DB_FILE } from '../storage/sqlite.ts'
import { verifyFile } from '../storage/verify.ts'
import { snapshotTextSha256 } from '../snapshots/service.ts'
import { parseCli } from './flags.ts'
import { CliError } from './main.ts'

const BACKUP_HELP = `usage: podium backup [--data DIR] -o FILE [--force]
Copies the data directory's database to FILE with SQLite's online backup: consistent, complete
(the -wal included) and safe while the server runs. Checks the copy's hash chains. --force overwrites FILE.`

const RESTORE_HELP = `usage: podium restore-backup FILE [--data DIR] [--force]
Makes FILE (a backup made by "podium backup") the data directory's database. Stop the server first.
When DIR already holds a database, --force is needed; the old files are kept as podium.db.replaced-<time>.`

// A PostgreSQL meeting is backed up and restored by PostgreSQL's own tools.
const PG_DUMP = 'a PostgreSQL meeting is backed up with pg_dump and restored with pg_restore (see docs/server.md, PostgreSQL); podium backup copies an embedded (--data) meeting'

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

// Opens a file that must be a readable Podium database, or throws a CliError saying what it is.
function checkDatabase(file: string, what: string): { docs: number } {
  let db
  try {
    db = new Database(file, { readonly: true, fileMustExist: true })
    const ok = db.pragma('quick_check', { simple: true })
    if (ok !== 'ok') throw new CliError(`${what} ${file} is damaged (${String(ok)})`)
    const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'docs'").get()
    if (!table) throw new CliError(`${what} ${file} is an SQLite file but not a Podium database (no docs table)`)
    return { docs: (db.prepare('SELECT COUNT(*) AS n FROM docs').get() as { n: number }).n }
  } catch (err) {
    if (err instanceof CliError) throw err
    throw new CliError(`${what} ${file} is not a readable Podium database (${(err as Error).message.split('\n')[0]})`)
  } finally {
    db?.close()
  }
}

/** Runs `podium backup`. */
export async function backup(args: string[]): Promise<number> {
  const { values, positionals } = parseCli(args, { data: { type: 'string' }, postgres: { type: 'string' }, output: { type: 'string', short: 'o' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, BACKUP_HELP)
  if (values.help) { process.stdout.write(BACKUP_HELP + '\n'); return 0 }
  if (positionals.length > 0) throw new CliError(`unexpected argument ${positionals[0]}\n${BACKUP_HELP}`)
  if (values.postgres !== undefined) throw new CliError(PG_DUMP)
  const dataDir = (values.data as string | undefined) ?? './data'
  const out = values.output as string | undefined
  if (!out) throw new CliError(`give the backup file with -o FILE\n${BACKUP_HELP}`)
  const source = join(dataDir, DB_FILE)
  if (!existsSync(source)) throw new CliError(`no Podium data in ${dataDir} (pass --data DIR)`)
  if (existsSync(out) && !values.force) throw new CliError(`${out} exists; choose another name or pass --force`)
  const partial = `${out}.partial`
  rmSync(partial, { force: true })
  // A normal (not read-only) connection: it can read the -wal and its index whoever else has the file open.
  const db = new Database(source, { fileMustExist: true })
  try {
    db.pragma('busy_timeout = 5000')
    await db.backup(partial)
  } catch (err) {
    rmSync(partial, { force: true })
    throw new CliError(`could not back up ${source} (${(err as Error).message.split('\n')[0]})`)
  } finally {
    db.close()
  }
  const { docs } = checkDatabase(partial, 'the copy')
  const report = verifyFile(partial, { snapshotTextSha256 })
  renameSync(partial, out)
  const c = report.checked
  process.stdout.write(`backed up ${source} to ${out}: ${docs} documents, ${c.updates} updates in the log, ${c.snapshots} snapshots, ${mb(statSync(out).size)}; ${report.ok ? 'hash chains intact' : `BROKEN chains copied as found (${report.problems[0].where}: ${report.problems[0].message})`}\n`)
  return report.ok ? 0 : 1
}

/** Runs `podium restore-backup`. */
export async function restoreBackup(args: string[]): Promise<number> {
  const { values, positionals } = parseCli(args, { data: { type: 'string' }, postgres: { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, RESTORE_HELP)
  if (values.help) { process.stdout.write(RESTORE_HELP + '\n'); return 0 }
  if (positionals.length !== 1) throw new CliError(`give one backup file\n${RESTORE_HELP}`)
  const file = positionals[0]
  if (values.postgres !== undefined) throw new CliError(PG_DUMP)
  const dataDir = (values.data as string | undefined) ?? './data'
  if (!existsSync(file)) throw new CliError(`${file} does not exist`)
  if (statSync(file).isDirectory()) throw new CliError(`${file} is a directory; give the backup file`)
  const { docs } = checkDatabase(file, 'the backup')
  const report = verifyFile(file, { snapshotTextSha256 })
  if (!report.ok) throw new CliError(`the backup ${file} has a broken chain (${report.problems[0].where}: ${report.problems[0].message}); run podium verify on it`)
  const target = join(dataDir, DB_FILE)
  let kept: string | null = null
  if (existsSync(target)) {
    if (!values.force) throw new CliError(`${target} exists; stop the server, then pass --force (the current files are kept as ${DB_FILE}.replaced-<time>)`)
    const stamp = new Date().toISOString().replace(/[:.]/g, '-')
    kept = `${target}.replaced-${stamp}`
    renameSync(target, kept)
    for (const suffix of ['-wal', '-shm']) if (existsSync(target + suffix)) renameSync(target + suffix, kept + suffix)
  }
  const source = new Database(file, { readonly: true, fileMustExist: true })
  try {
    await source.backup(target)
  } finally {
    source.close()
  }
  process.stdout.write(`restored ${file} into ${target}: ${docs} documents, hash chains intact${kept ? `; the database it replaced is ${kept}` : ''}\n`)
  return 0
}
