import { parseArgs } from 'node:util'
import { basename } from 'node:path'
import type { Node } from 'prosemirror-model'
import { parsePodium, serializePodium } from '../../shared/format/index.ts'
import { exportDocument, type ExportFormat } from '../export/index.ts'
import { detectKind, otherFormat, previewImport } from '../import/index.ts'
import { CliError } from './main.ts'
import { readRosterFile } from './input.ts'
import { decodeUtf8, readBytes } from './read-bytes.ts'
import { writeOutput } from './write-output.ts'

const FORMATS = ['text', 'json', 'html', 'docx', 'akn', 'pdf'] as const
const BINARY = new Set(['docx', 'pdf'])

const HELP = `usage: podium convert FILE --to text|json|html|docx|akn|pdf [-o OUT] [--roster FILE] [--title T] [--label L] [--hash H] [--tracked keep|accept]
Reads podium text or a Word document (FILE, or - for standard input; a .docx is told by its zip
signature) and writes it in another form: podium text, ProseMirror JSON, a print-ready HTML page,
a Word document, Akoma Ntoso XML or PDF (printed by headless Chromium, which must be installed).
--label and --hash are a snapshot's, shown under the title and in the footer.
docx and pdf go to standard output only when it is not a terminal; otherwise give -o OUT.
Warnings (unmatched brackets; for a .docx what was computed, kept and left out) go to standard error.
--tracked: a .docx's tracked changes kept as proposals (keep, the default) or accepted.`

/** `podium convert FILE --to FORMAT [-o OUT]`: podium text or DOCX to text, JSON, HTML, DOCX, AKN or PDF. */
export async function convert(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      to: { type: 'string' }, o: { type: 'string', short: 'o' }, output: { type: 'string' }, roster: { type: 'string' },
      title: { type: 'string' }, tracked: { type: 'string' }, label: { type: 'string' }, hash: { type: 'string' }, help: { type: 'boolean', short: 'h' }
    }
  })
  if (values.help) { process.stdout.write(HELP + '\n'); return 0 }
  if (positionals.length !== 1) throw new CliError('give exactly one FILE (or - for standard input)\n' + HELP)
  const to = values.to ?? 'text'
  if (!(FORMATS as readonly string[]).includes(to)) throw new CliError(`--to ${to} is not one of ${FORMATS.join(', ')}`)
  const file = positionals[0]
  const roster = values.roster ? readRosterFile(values.roster) : undefined
  const bytes = readBytes(file)

  let doc: Node
  let warnings: unknown[]
  let title = values.title ?? (file === '-' ? 'Podium version' : basename(file))
  // A Word draft's header lines (its version line) go with it into every format.
  let header: string[] = []
  // A .doc, .rtf or .odt is named as what it is, with what to do, rather than read as text.
  const other = otherFormat(bytes, file === '-' ? 'standard input' : file)
  if (other) throw new CliError(other)
  if (detectKind(bytes, file) === 'docx') {
    const tracked = values.tracked ?? 'keep'
    if (tracked !== 'keep' && tracked !== 'accept') throw new CliError(`--tracked ${tracked} is not keep or accept`)
    const read = await previewImport(bytes, file === '-' ? 'standard input' : file, { roster, tracked })
    if (!read.ok) throw new CliError(read.message)
    for (const w of read.warnings) {
      const place = [w.paragraph !== null ? `paragraph ${w.paragraph}` : '', w.line !== null ? `line ${w.line}:${w.column}` : ''].filter(Boolean).join(', ')
      process.stderr.write(`${file}:${place ? ' ' + place + ':' : ''} warning: ${w.message}\n`)
    }
    doc = read.doc
    warnings = read.warnings
    if (!values.title && read.title) title = read.title
    header = read.metadata?.header ?? []
  } else {
    const parsed = parsePodium(decodeUtf8(bytes, file), { roster })
    for (const w of parsed.warnings) process.stderr.write(`${file}:${w.line}:${w.column}: warning: ${w.message}\n`)
    doc = parsed.doc
    warnings = parsed.warnings
  }

  let out: Buffer | string
  if (to === 'text') out = serializePodium(doc)
  else if (to === 'json') out = JSON.stringify({ doc: doc.toJSON(), warnings }, null, 2) + '\n'
  else {
    const made = await exportDocument(doc, to as ExportFormat, { title, label: values.label, hash: values.hash, roster, header })
    if (!made.ok) throw new CliError(made.message)
    out = made.body
  }
  writeOutput(out, values.o ?? values.output, BINARY.has(to), `--to ${to}`)
  return 0
}
