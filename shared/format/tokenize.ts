import type { Node } from 'prosemirror-model'
import { isFootnoteText, schema } from '../schema.ts'
import { NOTE_RE, POSITION_RE } from './syntax.ts'

/** Names of the marks podium text writes with delimiters. */
export type MarkName = 'deletion' | 'strong' | 'emphasis'

/** A piece of a block's text: plain text, a line break, a bracket delimiter, a mark delimiter run, or a mark/note atom. */
export type Token =
  | { k: 'text'; s: string; at: number }
  | { k: 'nl'; at: number }
  | { k: 'open'; at: number }
  | { k: 'close'; at: number }
  | { k: 'delim'; s: string; marks: MarkName[]; at: number }
  | { k: 'atom'; s: string; node: Node; at: number }

/** Which syntax the tokenizer recognises; the parser turns parts off when a block cannot be read exactly. */
export interface Features {
  marks: boolean
  brackets: boolean
}

const SPECIAL = /[\n[\]*~({]/g

function delimMarks(ch: string, n: number): MarkName[] | null {
  if (ch === '~') return n === 2 ? ['deletion'] : null
  if (n === 1) return ['emphasis']
  if (n === 2) return ['strong']
  if (n === 3) return ['strong', 'emphasis']
  return null
}

/** Splits one block of podium text into tokens. `delegations` decides which parenthesised codes are notes. */
export function tokenize(block: string, delegations: ReadonlySet<string>, features: Features): Token[] {
  const out: Token[] = []
  let textStart = 0
  const flush = (end: number) => {
    if (end > textStart) {
      const last = out[out.length - 1]
      if (last && last.k === 'text' && last.at + last.s.length === textStart) last.s += block.slice(textStart, end)
      else out.push({ k: 'text', s: block.slice(textStart, end), at: textStart })
    }
  }
  SPECIAL.lastIndex = 0
  let m: RegExpExecArray | null
  while ((m = SPECIAL.exec(block))) {
    const at = m.index
    const ch = block[at]
    if (ch === '\n') {
      flush(at); out.push({ k: 'nl', at }); textStart = at + 1
    } else if (ch === '[' || ch === ']') {
      if (!features.brackets) continue
      flush(at); out.push({ k: ch === '[' ? 'open' : 'close', at }); textStart = at + 1
    } else if (ch === '*' || ch === '~') {
      let end = at
      while (block[end] === ch) end++
      SPECIAL.lastIndex = end
      const marks = features.marks ? delimMarks(ch, end - at) : null
      if (!marks) continue
      flush(at); out.push({ k: 'delim', s: block.slice(at, end), marks, at }); textStart = end
    } else {
      const atom = readAtom(block, at, delegations)
      if (!atom) continue
      flush(at); out.push({ k: 'atom', s: atom.s, node: atom.node, at }); textStart = at + atom.s.length
      SPECIAL.lastIndex = textStart
    }
  }
  flush(block.length)
  return out
}

// `{{footnote: text}}`, `{{endnote: text}}`, `{{footnote:}}`: the text runs to the first `}}` and
// must be a footnote's text (isFootnoteText), so every footnote node is written back as it was read.
function readFootnote(block: string, at: number): { s: string; node: Node } | null {
  const m = /^\{\{(footnote|endnote):/.exec(block.slice(at, at + 12))
  if (!m) return null
  const start = at + m[0].length
  const end = block.indexOf('}}', start)
  if (end < 0) return null
  const body = block.slice(start, end)
  if (body !== '' && !body.startsWith(' ')) return null
  const text = body.slice(1)
  if (body === ' ' || !isFootnoteText(text)) return null
  return { s: block.slice(at, end + 2), node: schema.nodes.footnote.create({ kind: m[1], text }) }
}

function readAtom(block: string, at: number, delegations: ReadonlySet<string>): { s: string; node: Node } | null {
  if (block[at] === '{') return readFootnote(block, at)
  POSITION_RE.lastIndex = at
  const p = POSITION_RE.exec(block)
  if (p) {
    return { s: p[0], node: schema.nodes.delegation_mark.create({ stance: p[1], delegation: p[2], qualifier: p[3] ?? null }) }
  }
  NOTE_RE.lastIndex = at
  const n = NOTE_RE.exec(block)
  if (n && n[1].split(', ').every((c) => delegations.has(c))) {
    return { s: n[0], node: schema.nodes.note.create({ delegations: n[1], form: n[2] === ': ' ? 'colon' : 'plain', text: n[3] }) }
  }
  return null
}
