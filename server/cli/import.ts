import { basename } from 'node:path'
import { loadMeeting } from '../config.ts'
import { createDocument } from '../documents.ts'
import { DOC_NAME_PATTERN } from '../../shared/protocol.ts'
import { previewImport } from '../import/index.ts'
import { CliError } from './main.ts'
import { parseFlags, stringFlag } from './flags.ts'
import { readBytes } from './read-bytes.ts'
import { storageSpecOf, withExistingStorage, withStorage } from './with-storage.ts'
import { CLI_ACTOR, replaceDoc } from '../snapshots/service.ts'


// `podium import`: podium text or a Word document into a new stored document. What was recognised
// is printed first; --dry-run stops there (the command line's "cancel").

const USAGE = `usage: podium import FILE --doc NAME [--title TEXT] [--dry-run] [--replace] [--tracked keep|accept] [--data ./data | --postgres URL] [--config FILE]
Reads podium text or a .docx, prints what was recognised (paragraphs, brackets, positions, notes and
every warning with its place) and creates document NAME from it. --dry-run only prints.
--replace makes it the live text of the existing document NAME, after taking a snapshot.
--tracked: a .docx's tracked changes kept as proposals (keep, the default: deletions struck,
insertions in brackets with their author's position) or accepted.`

/** Runs `podium import FILE --doc NAME`; resolves to 0, or throws CliError (exit 2) and writes nothing. */
export async function importCommand(args: string[]): Promise<number> {
  const parsed = parseFlags(args, ['doc', 'title', 'data', 'postgres', 'config', 'tracked'], ['help', 'dry-run', 'replace'])
  if (parsed.flags.has('help')) { process.stdout.write(USAGE + '\n'); return 0 }
  if (parsed.positional.length !== 1) throw new CliError('give exactly one FILE (or - for standard input)\n' + USAGE)
  const name = stringFlag(parsed, 'doc')
  if (!name) throw new CliError('--doc NAME is required\n' + USAGE)
  if (!DOC_NAME_PATTERN.test(name)) throw new CliError(`--doc ${name} is not a document name (letters, digits, ".", "_", "-"; at most 100)`)
  const file = parsed.positional[0]
  const meeting = loadMeeting(stringFlag(parsed, 'config'))
  const tracked = stringFlag(parsed, 'tracked', 'keep')
  if (tracked !== 'keep' && tracked !== 'accept') throw new CliError(`--tracked ${tracked} is not keep or accept`)
  const preview = await previewImport(readBytes(file), file === '-' ? 'standard input' : file, { roster: meeting.roster, tracked })
  if (!preview.ok) throw new CliError(preview.message)

  const s = preview.summary
  const lines = [`${file}: ${preview.kind === 'docx' ? 'Word document' : 'podium text'}; ${s.paragraphs} paragraphs, ${s.headings} headings, ${s.brackets} brackets, ${s.positions} positions, ${s.notes} notes`]
  if (preview.title) lines.push(`title: ${preview.title}`)
  if (preview.metadata?.version) lines.push(`version: ${preview.metadata.version}`)
  for (const w of preview.warnings) {
    const place = [w.paragraph !== null ? `paragraph ${w.paragraph}` : '', w.line !== null ? `line ${w.line}, column ${w.column}` : ''].filter(Boolean).join(', ')
    lines.push(`warning: ${place ? place + ': ' : ''}${w.message}`)
  }
  process.stdout.write(lines.join('\n') + '\n')
  if (parsed.flags.has('dry-run')) return 0
  // The draft's header and version line, kept as the document's metadata (shown and exported).
  const header = preview.metadata?.header.length ? preview.metadata.header.join('\n') : null

  if (parsed.flags.has('replace')) {
    const r = withExistingStorage(storageSpecOf(stringFlag(parsed, 'data'), stringFlag(parsed, 'postgres')), (storage) => {
      // The document as read (for a DOCX built from the Word model, so Word's own "*" stay text).
      const doc = preview.doc
      // An archived document is read only for everyone, the command line included.
      if (storage.getDoc(name)?.archivedAt) throw new CliError(`"${name}" is archived and read only: unarchive it from the meeting home first`)
      const replaced = replaceDoc({ storage, live: { get: () => undefined } }, name, doc, `Before replacing the text with ${file === '-' ? 'an import' : basename(file)}`, CLI_ACTOR)
      if (replaced.ok && header !== null) storage.setDocMeta(name, { header })
      return replaced
    })
    if (!r.ok) throw new CliError(`no document "${name}" to replace; import without --replace to create it`)
    process.stdout.write(`replaced the text of "${name}" (snapshot ${r.before.id} holds the text before)\n`)
    return 0
  }
  const title = stringFlag(parsed, 'title') ?? preview.title ?? (file === '-' ? name : basename(file).replace(/\.(docx|txt)$/i, ''))
  withStorage(storageSpecOf(stringFlag(parsed, 'data'), stringFlag(parsed, 'postgres')), (storage) => {
    const created = createDocument(storage, name, title, preview.doc, meeting.roster)
    if (!created.ok) throw new CliError(created.reason === 'exists' ? `document "${name}" exists already; choose another --doc name` : `--doc ${name} is not a document name`)
    if (header !== null) storage.setDocMeta(name, { header })
  })
  process.stdout.write(`created document "${name}" (${title})\n`)
  return 0
}
