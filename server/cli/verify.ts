// `podium verify [DOC] [--data DIR | --postgres URL] [--json]`: checks the tamper evidence of the
// meeting's database (hash chains, compacted states, snapshots re-hashed, audit continuity, triggers) and
// names the first broken link of each. Exit 0 intact, 1 broken, 2 usage.

import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { snapshotTextSha256 } from '../snapshots/service.ts'
import { DB_FILE } from '../storage/sqlite.ts'
import { verifyFile, type VerifyReport } from '../storage/verify.ts'
import { parseCli } from './flags.ts'
import { CliError } from './main.ts'
import { storageSpecOf } from './with-storage.ts'
import { openPostgresStorage } from '../storage/postgres/index.ts'

const HELP = `usage: podium verify [DOC] [--data DIR | --postgres URL] [--json]
Checks every document's (or DOC's) update chain, compacted state, snapshots (re-hashed), the audit
and refusals chains and the append-only triggers. Prints the first broken link of each, in words.
Exit status: 0 intact, 1 something is broken, 2 usage error.`

/** The report as lines for people: problems, warnings, then one line per intact chain. */
export function formatReport(report: VerifyReport): string[] {
  const lines = report.problems.map((p) => `${p.where}: ${p.message}`)
  for (const w of report.warnings) lines.push(`warning: ${w}`)
  const broken = new Set(report.problems.map((p) => p.where))
  for (const h of report.heads) {
    if (!broken.has(h.doc)) lines.push(`${h.doc}: intact (head: update ${h.id}, ${h.hash ? h.hash.slice(0, 16) + '…' : 'genesis'})`)
  }
  const c = report.checked
  if (!broken.has('audit')) lines.push(`audit: intact (${c.audit} rows)`)
  if (!broken.has('refusals')) lines.push(`refusals: intact (${c.refusals} rows)`)
  lines.push(report.ok
    ? `intact: ${c.updates} updates, ${c.states} compacted states, ${c.snapshots} snapshots, ${c.audit} audit rows, ${c.refusals} refusals checked`
    : `BROKEN: ${report.problems.length} broken ${report.problems.length === 1 ? 'link' : 'links'}`)
  return lines
}

/** Runs `podium verify`. */
export async function verify(args: string[]): Promise<number> {
  const { values, positionals } = parseCli(args, { data: { type: 'string' }, postgres: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, HELP)
  if (values.help) { process.stdout.write(HELP + '\n'); return 0 }
  if (positionals.length > 1) throw new CliError(`give at most one document name\n${HELP}`)
  const spec = storageSpecOf(values.data as string | undefined, values.postgres as string | undefined)
  const doc = positionals[0]
  let report: VerifyReport
  if (spec.postgres !== undefined) {
    // As it is: a dropped trigger is reported, not recreated by opening.
    const storage = openPostgresStorage(spec.postgres, { asIs: true })
    try {
      report = storage.verify({ doc, snapshotTextSha256 })
    } finally {
      storage.close()
    }
  } else {
    const file = join(spec.dataDir, DB_FILE)
    if (!existsSync(file)) throw new CliError(`no Podium data in ${spec.dataDir} (start the server once, or pass --data DIR or --postgres URL)`)
    report = verifyFile(file, { doc, snapshotTextSha256 })
  }
  if (doc !== undefined && !report.heads.some((h) => h.doc === doc)) throw new CliError(`no document named ${doc}`)
  process.stdout.write(values.json ? JSON.stringify(report) + '\n' : formatReport(report).join('\n') + '\n')
  return report.ok ? 0 : 1
}
