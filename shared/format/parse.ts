import type { Node } from 'prosemirror-model'
import { schema, type BlockSeparator } from '../schema.ts'
import { DEFAULT_ROSTER, rosterCodes, type RosterEntry } from '../roster.ts'
import { newBlockId } from '../ids.ts'
import { normalisedLines, type SourceLine } from './normalise.ts'
import { codesInPositions, positionLookalikes } from './syntax.ts'
import { tokenize, type Features } from './tokenize.ts'
import { buildUnits, matchBrackets, type Unmatched } from './inline.ts'
import { HEADING_PREFIX, looksLikeHeading } from './heading.ts'
import { AGREED_AD_REF_LINE, serializeBlocks } from './serialize.ts'

/** Something the parser kept as text but wants a person to look at, with its place in the input (1-based). */
export interface ParseWarning {
  line: number
  column: number
  message: string
}

/** Options for parsePodium. */
export interface ParseOptions {
  /** The meeting's roster; its codes are delegations in notes. Default: DEFAULT_ROSTER. */
  roster?: readonly RosterEntry[]
  /** Makes block ids; default random ids. */
  ids?: () => string
}

/** The result of reading podium text: a document of the podium schema and the warnings. */
export interface ParseResult {
  doc: Node
  warnings: ParseWarning[]
}

interface Block {
  text: string
  lines: SourceLine[]
}

function blocksOf(lines: SourceLine[]): Block[] {
  const blocks: Block[] = []
  let cur: SourceLine[] = []
  for (const l of [...lines, { text: '', line: 0, columnOffset: 0 }]) {
    if (l.text === '') {
      if (cur.length) blocks.push({ text: cur.map((c) => c.text).join('\n'), lines: cur })
      cur = []
    } else cur.push(l)
  }
  return blocks
}

function place(block: Block, offset: number): { line: number; column: number } {
  let start = 0
  for (const l of block.lines) {
    if (offset <= start + l.text.length) return { line: l.line, column: offset - start + 1 + l.columnOffset }
    start += l.text.length + 1
  }
  const last = block.lines[block.lines.length - 1]
  return { line: last.line, column: last.text.length + 1 }
}

function unitToBlock(content: Node[], sep: BlockSeparator, ids: () => string): Node {
  const attrs = { id: ids(), sep }
  const para = schema.nodes.paragraph.create(attrs, content)
  if (looksLikeHeading(para)) return schema.nodes.heading.create(attrs, content)
  const first = content[0]
  if (first && first.isText && first.marks.length === 0 && first.text!.startsWith(HEADING_PREFIX)) {
    const remainder = first.text!.slice(HEADING_PREFIX.length)
    const rest = [...(remainder ? [schema.text(remainder)] : []), ...content.slice(1)]
    const heading = schema.nodes.heading.create(attrs, rest)
    if (rest.length > 0 && !looksLikeHeading(heading)) return heading
  }
  return para
}

function parseBlock(block: Block, delegations: ReadonlySet<string>, features: Features, ids: () => string, unmatched: Unmatched[]): Node[] {
  const items = matchBrackets(tokenize(block.text, delegations, features), unmatched)
  return buildUnits(items).map((unit, i) => unitToBlock(unit, i === 0 ? 'blank' : 'line', ids))
}

// Each block is parsed with all syntax, then checked by writing it back. Where the text is ambiguous
// (delimiters the serializer would place differently) the block is read again with less syntax, so the
// text always survives exactly; the loss of formatting is reported.
const LEVELS: { features: Features; note: string | null }[] = [
  { features: { marks: true, brackets: true }, note: null },
  { features: { marks: false, brackets: true }, note: 'emphasis/strong/deletion delimiters in this paragraph are ambiguous; kept as text' },
  { features: { marks: false, brackets: false }, note: 'brackets and delimiters in this paragraph are ambiguous; kept as text' }
]

/**
 * Reads podium text into a document of the podium schema. Never throws on content: unmatched brackets
 * and ambiguous delimiters stay text and are reported as warnings with line and column.
 * `serializePodium(parsePodium(t).doc) === normalisePodiumText(t)` for every string t.
 */
export function parsePodium(text: string, options: ParseOptions = {}): ParseResult {
  if (typeof text !== 'string') throw new RangeError(`parsePodium: text must be a string, got ${typeof text}`)
  const ids = options.ids ?? newBlockId
  // Roster codes and their aliases (a Cyrillic `ИРАН` for `IRAN`), and any code used in a position.
  const known = rosterCodes(options.roster ?? DEFAULT_ROSTER)
  const delegations = new Set<string>([...known, ...codesInPositions(text)])
  const warnings: ParseWarning[] = []
  const nodes: Node[] = []
  for (const block of blocksOf(normalisedLines(text))) {
    // `[Agreed ad ref]` alone after a paragraph marks that paragraph agreed ad ref (once).
    const prev = nodes[nodes.length - 1]
    if (block.text === AGREED_AD_REF_LINE && prev && prev.attrs.adref !== true) {
      nodes[nodes.length - 1] = prev.type.create({ ...prev.attrs, adref: true }, prev.content, prev.marks)
      continue
    }
    for (const level of LEVELS) {
      const unmatched: Unmatched[] = []
      const parsed = parseBlock(block, delegations, level.features, ids, unmatched)
      const last = level === LEVELS[LEVELS.length - 1]
      if (!last && serializeBlocks(parsed) !== block.text) continue
      for (const u of unmatched) warnings.push({ ...place(block, u.at), message: u.what })
      // Nothing silently missed: a mark that looks like a position but names no delegation of the roster.
      if (block.text.includes('(+') || block.text.includes('(-')) {
        for (const l of positionLookalikes(block.text)) {
          if (!known.has(l.code)) warnings.push({ ...place(block, l.at), message: `${l.text} looks like a position, but ${JSON.stringify(l.code)} is not a delegation on the roster` })
        }
      }
      if (level.note) warnings.push({ ...place(block, 0), message: level.note })
      nodes.push(...parsed)
      break
    }
  }
  if (nodes.length === 0) nodes.push(schema.nodes.paragraph.create({ id: ids(), sep: 'blank' }))
  warnings.sort((a, b) => a.line - b.line || a.column - b.column)
  return { doc: schema.nodes.doc.create(null, nodes), warnings }
}
