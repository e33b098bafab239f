import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { loadMeeting } from '../config.ts'
import { loadStoredYDoc } from '../documents.ts'
import { DB_FILE } from '../storage/sqlite.ts'
import { describeStorage, openStorage } from '../storage/open.ts'
import { storageSpecOf } from './with-storage.ts'
import { readDocFromY } from '../../shared/ydoc.ts'
import { snapshotDoc } from '../snapshots/service.ts'
import { EXPORT_FORMATS, exportDocument, headerLines, isExportFormat } from '../export/index.ts'
import { CliError } from './main.ts'
import { parseFlags, stringFlag } from './flags.ts'
import { writeOutput } from './write-output.ts'

// `podium export`: a stored document's live text, read straight from the data directory's database
// (safe while the server runs: every accepted update is in the stored log).

const USAGE = `usage: podium export DOC --format ${EXPORT_FORMATS.join('|')} [-o FILE] [--snapshot ID] [--data ./data | --postgres URL] [--config FILE]
Writes the live text of document DOC, or one of its snapshots. docx and pdf go to standard output only when it is not a terminal.`

/** Runs `podium export DOC --format F [-o FILE]`; resolves to 0, or throws CliError (exit 2). */
export async function exportCommand(args: string[]): Promise<number> {
  const parsed = parseFlags(args.map((a) => (a === '-o' ? '--output' : a)), ['format', 'output', 'snapshot', 'data', 'postgres', 'config'])
  if (parsed.flags.has('help')) { process.stdout.write(USAGE + '\n'); return 0 }
  if (parsed.positional.length !== 1) throw new CliError('give exactly one DOC name\n' + USAGE)
  const name = parsed.positional[0]
  const format = stringFlag(parsed, 'format')
  if (!format) throw new CliError('--format is required\n' + USAGE)
  if (!isExportFormat(format)) throw new CliError(`--format ${format} is not one of ${EXPORT_FORMATS.join(', ')}`)
  const snapshotRef = stringFlag(parsed, 'snapshot')
  const snapshotId = snapshotRef === undefined ? null : Number(snapshotRef)
  if (snapshotId !== null && (!Number.isInteger(snapshotId) || snapshotId <= 0)) throw new CliError(`--snapshot ${snapshotRef} is not a snapshot id (see podium snapshots ${name})`)
  const spec = storageSpecOf(stringFlag(parsed, 'data'), stringFlag(parsed, 'postgres'))
  const dataDir = describeStorage(spec)
  // Opening the storage would create an empty database; a missing one is an error here.
  if (spec.dataDir !== undefined && !existsSync(join(spec.dataDir, DB_FILE))) throw new CliError(`${dataDir}: no Podium database (${DB_FILE}) there; give --data DIR or --postgres URL`)
  const meeting = loadMeeting(stringFlag(parsed, 'config'))
  const storage = openStorage(spec)
  let title: string
  let header: string[] = []
  let doc
  let meta: { label?: string; hash?: string } = {}
  try {
    const record = storage.getDoc(name)
    if (!record) throw new CliError(`no document "${name}" in ${dataDir}`)
    title = record.title
    header = headerLines(record.header)
    if (snapshotId !== null) {
      const snap = storage.getSnapshot(name, snapshotId)
      if (!snap) throw new CliError(`${name} has no snapshot ${snapshotId} (see podium snapshots ${name})`)
      doc = snapshotDoc(snap)
      meta = { label: snap.label, hash: snap.sha256 }
    } else {
      const ydoc = loadStoredYDoc(storage, name)
      if (!ydoc) throw new CliError(`no document "${name}" in ${dataDir}`)
      doc = readDocFromY(ydoc)
      ydoc.destroy()
    }
  } finally {
    storage.close()
  }
  const made = await exportDocument(doc, format, { title, header, ...meta, roster: meeting.roster, timeZone: meeting.timeZone })
  if (!made.ok) throw new CliError(made.message)
  writeOutput(made.body, stringFlag(parsed, 'output'), format === 'docx' || format === 'pdf', `--format ${format}`)
  return 0
}
