// `podium audit DOC [--since ISO] [--delegation CODE] [--limit N] [--json] [--data DIR | --postgres URL]`: the accepted
// updates and refusals of a document, merged by time, one line each — what the secretariat reads.

import type { AuditEntry } from '../storage/types.ts'
import { parseCli } from './flags.ts'
import { CliError } from './main.ts'
import { storageSpecOf, withExistingStorage } from './with-storage.ts'

const HELP = `usage: podium audit DOC [--since ISO] [--delegation CODE] [--limit N] [--json] [--data DIR]
One line per accepted update or refusal, oldest first: time, who (delegation or role), accepted or
REFUSED (with the rule and the reason), bytes. --limit keeps the newest N.`

/** `since` as stored (toISOString), or a CliError naming the bad value. */
export function parseSince(value: string): string {
  const t = Date.parse(value)
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(t)) throw new CliError(`--since ${value} is not an ISO date or time (e.g. 2022-10-04 or 2022-10-04T09:00:00Z)`)
  return new Date(t).toISOString()
}

/** Who sent an entry, as people say it: the delegation, else the role. */
export function who(e: AuditEntry): string {
  return e.delegation ?? (e.identity === 'cli' ? 'secretariat (command line)' : e.role)
}

/** One entry as a line. */
export function auditLine(e: AuditEntry): string {
  const what = e.kind === 'accepted' ? `accepted  update ${e.updateId}` : `REFUSED   ${e.rule}: ${e.reason}`
  return `${e.at}  ${who(e).padEnd(12)}  ${what}  (${e.bytes} bytes)`
}

/** Runs `podium audit`. */
export async function audit(args: string[]): Promise<number> {
  const { values, positionals } = parseCli(args, {
    since: { type: 'string' }, delegation: { type: 'string' }, limit: { type: 'string' },
    json: { type: 'boolean' }, data: { type: 'string' }, postgres: { type: 'string' }, help: { type: 'boolean', short: 'h' }
  }, HELP)
  if (values.help) { process.stdout.write(HELP + '\n'); return 0 }
  if (positionals.length !== 1) throw new CliError(`give one document name\n${HELP}`)
  const doc = positionals[0]
  const since = typeof values.since === 'string' ? parseSince(values.since) : undefined
  const delegation = typeof values.delegation === 'string' ? values.delegation : undefined
  let limit: number | undefined
  if (typeof values.limit === 'string') {
    limit = Number(values.limit)
    if (!/^\d+$/.test(values.limit) || limit < 1) throw new CliError(`--limit ${values.limit} is not a positive whole number`)
  }
  const entries = withExistingStorage(storageSpecOf(values.data as string | undefined, values.postgres as string | undefined), (storage) => {
    if (!storage.getDoc(doc)) throw new CliError(`no document named ${doc}`)
    return storage.auditEntries(doc, { since, delegation, limit })
  })
  const out = values.json ? entries.map((e) => JSON.stringify(e)) : entries.map(auditLine)
  if (!values.json && entries.length === 0) out.push(`no audit entries for ${doc}${since || delegation ? ' with these filters' : ''}`)
  process.stdout.write(out.join('\n') + '\n')
  return 0
}
