import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { basename } from 'node:path'
import { parsePodium, serializePodium } from '../../shared/format/index.ts'
import { renderHtml } from '../../shared/render/index.ts'
import { CliError } from './main.ts'
import { readRosterFile, readTextFile } from './input.ts'

const FORMATS = ['text', 'json', 'html'] as const

const HELP = `usage: podium convert FILE --to text|json|html [-o OUT] [--roster FILE]
Reads podium text (FILE, or - for standard input) and writes it in another form.
Warnings (unmatched brackets) go to standard error with line and column.`

/** `podium convert FILE --to FORMAT [-o OUT]`: podium text to text, JSON (ProseMirror) or HTML. */
export async function convert(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { to: { type: 'string' }, o: { type: 'string', short: 'o' }, output: { type: 'string' }, roster: { type: 'string' }, help: { type: 'boolean', short: 'h' } }
  })
  if (values.help) { process.stdout.write(HELP + '\n'); return 0 }
  if (positionals.length !== 1) throw new CliError('give exactly one FILE (or - for standard input)\n' + HELP)
  const to = values.to ?? 'text'
  if (!(FORMATS as readonly string[]).includes(to)) throw new CliError(`--to ${to} is not one of ${FORMATS.join(', ')}`)
  const file = positionals[0]
  const roster = values.roster ? readRosterFile(values.roster) : undefined
  const { doc, warnings } = parsePodium(readTextFile(file), { roster })
  for (const w of warnings) process.stderr.write(`${file}:${w.line}:${w.column}: warning: ${w.message}\n`)
  let out: string
  if (to === 'text') out = serializePodium(doc)
  else if (to === 'json') out = JSON.stringify({ doc: doc.toJSON(), warnings }, null, 2) + '\n'
  else out = renderHtml(doc, { title: file === '-' ? 'Podium version' : basename(file), roster })
  const target = values.o ?? values.output
  if (target && target !== '-') writeFileSync(target, out)
  else process.stdout.write(out)
  return 0
}
