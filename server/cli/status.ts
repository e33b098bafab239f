import { parseArgs } from 'node:util'
import { analyse } from '../../shared/analysis/index.ts'
import { parsePodium } from '../../shared/format/index.ts'
import { CliError } from './main.ts'
import { readRosterFile } from './input.ts'
import { decodeUtf8, readBytes } from './read-bytes.ts'
import { detectKind, otherFormat, previewImport } from '../import/index.ts'

const HELP = `usage: podium status FILE [--json] [--roster FILE] [--tracked keep|accept]
FILE is podium text or a .docx (read as podium convert reads it). Prints each paragraph's label and status, its brackets and positions, the totals and the warnings.`

/** `podium status FILE [--json]`: the analysis of a podium text. */
export async function status(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, roster: { type: 'string' }, tracked: { type: 'string' }, help: { type: 'boolean', short: 'h' } }
  })
  if (values.help) { process.stdout.write(HELP + '\n'); return 0 }
  if (positionals.length !== 1) throw new CliError('give exactly one FILE (or - for standard input)\n' + HELP)
  const roster = values.roster ? readRosterFile(values.roster) : undefined
  const file = positionals[0]
  const bytes = readBytes(file)
  let doc
  let warnings: { line: number | null; column: number | null; paragraph?: number | null; message: string }[]
  // A .doc, .rtf or .odt is named as what it is, with what to do, rather than read as text.
  const other = otherFormat(bytes, file === '-' ? 'standard input' : file)
  if (other) throw new CliError(other)
  if (detectKind(bytes, file) === 'docx') {
    const tracked = values.tracked ?? 'keep'
    if (tracked !== 'keep' && tracked !== 'accept') throw new CliError(`--tracked ${tracked} is not keep or accept`)
    const read = await previewImport(bytes, file === '-' ? 'standard input' : file, { roster, tracked })
    if (!read.ok) throw new CliError(read.message)
    doc = read.doc
    warnings = read.warnings
  } else {
    ({ doc, warnings } = parsePodium(decodeUtf8(bytes, file), { roster }))
  }
  const a = analyse(doc)
  if (values.json) {
    const paragraphs = a.paragraphs.filter((p) => p.kind === 'paragraph').map((p) => ({
      id: p.id, label: p.label, ref: p.ref, status: p.status,
      brackets: p.brackets.map(({ index, text, depth, supporters, opponents, notes }) => ({ index, text, depth, supporters, opponents, notes })),
      positions: p.positions,
      notes: p.notes
    }))
    process.stdout.write(JSON.stringify({ paragraphs, totals: a.totals, warnings }) + '\n')
    return 0
  }
  const lines: string[] = []
  for (const p of a.paragraphs) {
    if (p.kind !== 'paragraph' || p.status !== 'open') continue
    const marks = (xs: { delegation: string; qualifier: string | null }[], sign: string) =>
      xs.map((x) => `${sign}${x.delegation}${x.qualifier ? ' ' + x.qualifier : ''}`).join(' ')
    const loose = [marks(p.positions.filter((x) => x.stance === '+'), '+'), marks(p.positions.filter((x) => x.stance === '-'), '-')].filter(Boolean).join(' ')
    // A paragraph number as the room says it: "12", "12(b)", "2.1" (Word's "12." without its full stop).
    const said = p.ref ? p.ref.replace(/^(\d+(?:\.\d+)*|[IVXLC]+)\.$/, '$1') : '(unlabelled)'
    lines.push(`${said.padEnd(14)} open    ${p.brackets.length} bracket(s)${loose ? ', loose: ' + loose : ''}`)
    for (const b of p.brackets) {
      const text = b.text.length > 60 ? b.text.slice(0, 57) + '...' : b.text
      lines.push(`${'  '.repeat(b.depth)}[${text}] ${[marks(b.supporters, '+'), marks(b.opponents, '-')].filter(Boolean).join(' ')}`.trimEnd())
    }
  }
  const t = a.totals
  lines.push(`${t.paragraphs} paragraphs: ${t.open} open, ${t.agreed} agreed; ${t.brackets} brackets, ${t.positions} positions, ${t.notes} notes`)
  for (const w of warnings) lines.push(w.line !== null ? `warning: line ${w.line}, column ${w.column}: ${w.message}` : `note: ${w.message}`)
  process.stdout.write(lines.join('\n') + '\n')
  return 0
}
