// `podium snapshots DOC`, `podium snapshot DOC --label TEXT`, `podium compare DOC FROM TO`:
// the COB snapshots and comparisons, straight on the data directory's database.

import { renderComparisonHtml } from '../../shared/history/index.ts'
import { CLI_ACTOR, compare, displayName, takeSnapshot } from '../snapshots/service.ts'
import type { Storage } from '../storage/types.ts'
import { CliError } from './main.ts'
import { parseFlags, stringFlag } from './flags.ts'
import { storageSpecOf, withExistingStorage } from './with-storage.ts'

const NO_ROOMS = { get: () => undefined }

function oneDoc(positional: string[], usage: string): string {
  if (positional.length !== 1) throw new CliError(`give one document name\n${usage}`)
  return positional[0]
}

/** `podium snapshots DOC [--json] [--data DIR]`: lists a document's snapshots. */
export async function snapshots(args: string[]): Promise<number> {
  const usage = 'usage: podium snapshots DOC [--json] [--data DIR | --postgres URL]'
  const parsed = parseFlags(args, ['data', 'postgres'], ['help', 'json'])
  if (parsed.flags.has('help')) { process.stdout.write(usage + '\n'); return 0 }
  const doc = oneDoc(parsed.positional, usage)
  const out = withExistingStorage(storageSpecOf(stringFlag(parsed, 'data'), stringFlag(parsed, 'postgres')), (storage) => {
    if (!storage.getDoc(doc)) throw new CliError(`no document named ${doc}`)
    const list = storage.listSnapshots(doc)
    if (parsed.flags.has('json')) return list.map((s) => JSON.stringify(s)).join('\n')
    if (list.length === 0) return `${doc} has no snapshot yet`
    return list.map((s) => `${String(s.id).padStart(4)}  ${s.createdAt}  ${s.label}  (by ${displayName(storage, s.takenBy)}; ${s.totals.open} open, ${s.totals.agreed} agreed, ${s.totals.brackets} brackets, ${s.totals.positions} positions)`).join('\n')
  })
  process.stdout.write(out + '\n')
  return 0
}

/** `podium snapshot DOC --label TEXT [--data DIR]`: takes a snapshot now and prints it as one JSON line. */
export async function snapshot(args: string[]): Promise<number> {
  const usage = 'usage: podium snapshot DOC --label TEXT [--data DIR | --postgres URL]'
  const parsed = parseFlags(args, ['data', 'postgres', 'label'])
  if (parsed.flags.has('help')) { process.stdout.write(usage + '\n'); return 0 }
  const doc = oneDoc(parsed.positional, usage)
  const label = stringFlag(parsed, 'label')
  if (!label || !label.trim()) throw new CliError(`--label is required\n${usage}`)
  const r = withExistingStorage(storageSpecOf(stringFlag(parsed, 'data'), stringFlag(parsed, 'postgres')), (storage) => takeSnapshot({ storage, live: NO_ROOMS }, doc, { label, by: CLI_ACTOR }))
  if (!r.ok) throw new CliError(`no document named ${doc}`)
  process.stdout.write(JSON.stringify(r.snapshot) + '\n')
  return 0
}

function resolveRef(storage: Storage, doc: string, ref: string, allowLive: boolean): number | 'live' {
  if (ref === 'live' && allowLive) return 'live'
  if (ref === 'last-cob') {
    const all = storage.listSnapshots(doc)
    const pick = all.filter((s) => s.cobDate).at(-1) ?? all.at(-1)
    if (!pick) throw new CliError(`${doc} has no snapshot yet`)
    return pick.id
  }
  const n = Number(ref)
  if (!Number.isInteger(n) || n <= 0) throw new CliError(`${ref} is not a snapshot id${allowLive ? ', "live"' : ''} or "last-cob"`)
  return n
}

/** `podium compare DOC FROM TO [--format text|json|html] [--data DIR]`: what changed, and who changed it. */
export async function compareCommand(args: string[]): Promise<number> {
  const usage = 'usage: podium compare DOC FROM TO [--format text|json|html] [--data DIR | --postgres URL]   (FROM: id or last-cob; TO: id or live)'
  const parsed = parseFlags(args, ['data', 'postgres', 'format'])
  if (parsed.flags.has('help')) { process.stdout.write(usage + '\n'); return 0 }
  if (parsed.positional.length !== 3) throw new CliError(`give DOC FROM TO\n${usage}`)
  const [doc, fromRef, toRef] = parsed.positional
  const format = stringFlag(parsed, 'format', 'text')!
  if (!['text', 'json', 'html'].includes(format)) throw new CliError(`--format ${format} is not text, json or html`)
  const out = withExistingStorage(storageSpecOf(stringFlag(parsed, 'data'), stringFlag(parsed, 'postgres')), (storage) => {
    if (!storage.getDoc(doc)) throw new CliError(`no document named ${doc}`)
    const r = compare({ storage, live: NO_ROOMS }, doc, resolveRef(storage, doc, fromRef, false) as number, resolveRef(storage, doc, toRef, true))
    if (!r.ok) throw new CliError(r.reason === 'missing-doc' ? `no document named ${doc}` : `${doc} has no snapshot ${r.which}`)
    const title = `${r.from.label} → ${r.to === 'live' ? 'live text' : r.to.label}`
    if (format === 'json') return JSON.stringify({ from: r.from, to: r.to, ...r.comparison })
    if (format === 'html') return renderComparisonHtml(r.comparison, title).trimEnd()
    const lines = [title, ...r.comparison.changes.map((c) => `${c.summary}${c.by.length ? ` — ${c.by.join(', ')}` : ''}`)]
    if (r.comparison.changes.length === 0) lines.push('no changes')
    return lines.join('\n')
  })
  process.stdout.write(out + '\n')
  return 0
}
