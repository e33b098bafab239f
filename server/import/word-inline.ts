// A paragraph's segments to its inline content: positions and notes recognised, brackets and tracked
// insertions matched into a tree, and that tree built as podium nodes.

import type { Node } from 'prosemirror-model'
import { schema } from '../../shared/schema.ts'
import { positionPattern, notePattern } from '../../shared/format/syntax.ts'
import type { MarkName, Seg } from './word-types.ts'

/** A paragraph's content once its brackets are matched: text, atoms, and brackets holding more. */
export type Item =
  | { k: 'text'; s: string; marks: MarkName[] }
  | { k: 'atom'; node: Node }
  | { k: 'br'; items: Item[]; author: string | null; ins: boolean; marks?: MarkName[]; openMarks?: MarkName[] }

// Positions and notes written in the text ("(+IND)", "(IND: keep)") become nodes, where the whole
// mark is in one insertion (or none) and has one set of marks.
/** The segments with the positions and notes written in their text (of delegations in `codes`) as atoms. */
export function recogniseAtoms(segs: Seg[], codes: Set<string>): Seg[] {
  const out: Seg[] = []
  for (const seg of segs) {
    if (seg.k !== 'text' || !seg.s.includes('(')) { out.push(seg); continue }
    const s = seg.s
    let at = 0
    const re = new RegExp(`${positionPattern()}|${notePattern()}`, 'g')
    for (const m of s.matchAll(re)) {
      const node = m[1] !== undefined
        ? (codes.has(m[2]) ? schema.nodes.delegation_mark.create({ stance: m[1], delegation: m[2], qualifier: m[3] ?? null }) : null)
        : (m[4].split(', ').every((c) => codes.has(c)) ? schema.nodes.note.create({ delegations: m[4], form: m[5] === ': ' ? 'colon' : 'plain', text: m[6] }) : null)
      if (!node) continue
      if (m.index! > at) out.push({ ...seg, s: s.slice(at, m.index) })
      out.push({ k: 'atom', node: seg.marks.length ? node.mark(seg.marks.map((n) => schema.marks[n].create())) : node, ins: seg.ins })
      at = m.index! + m[0].length
    }
    if (at < s.length) out.push(at === 0 ? seg : { ...seg, s: s.slice(at) })
  }
  return out
}

// Matches `[` and `]` (and tracked insertions, which become brackets) into a tree. A `]` that
// would close across an insertion's edge, and a `[` never closed, stay text.
/** The segments as a tree of items: matched brackets and tracked insertions as `br` items, unmatched brackets as text. */
export function matchBrackets(segs: Seg[]): Item[] {
  const root: Item[] = []
  const stack: { items: Item[]; node: Item & { k: 'br' } }[] = []
  let cur = root
  // Inside a bracket whose Podium-styled `[` carries marks, those marks are the bracket's own (a
  // Podium DOCX shows a bracket's marks on its whole content); they are not repeated inside.
  const inherited = (): Set<MarkName> => {
    const out = new Set<MarkName>()
    for (const f of stack) for (const m of f.node.marks ?? []) out.add(m)
    return out
  }
  const pushText = (s: string, all: MarkName[]) => {
    const inh = stack.length ? inherited() : null
    const marks = inh ? all.filter((m) => !inh.has(m)) : all
    const last = cur[cur.length - 1]
    if (last && last.k === 'text' && sameMarks(last.marks, marks)) last.s += s
    else cur.push({ k: 'text', s, marks })
  }
  for (const seg of segs) {
    if (seg.k === 'atom') {
      const inh = stack.length ? inherited() : null
      cur.push({ k: 'atom', node: inh && inh.size ? seg.node.mark(seg.node.marks.filter((m) => !inh.has(m.type.name as MarkName))) : seg.node })
      continue
    }
    if (seg.k === 'ins-open') {
      const node: Item & { k: 'br' } = { k: 'br', items: [], author: seg.author, ins: true }
      stack.push({ items: cur, node })
      cur = node.items
      continue
    }
    if (seg.k === 'ins-close') {
      // Close brackets opened inside the insertion that never closed: their `[` is text.
      while (stack.length && !stack[stack.length - 1].node.ins) unwind()
      const frame = stack.pop()
      if (!frame) continue
      cur = frame.items
      cur.push(frame.node)
      continue
    }
    let from = 0
    for (let i = 0; i < seg.s.length; i++) {
      const ch = seg.s[i]
      if (ch !== '[' && ch !== ']') continue
      if (i > from) pushText(seg.s.slice(from, i), seg.marks)
      from = i + 1
      if (ch === '[') {
        const inh = inherited()
        const own = seg.bracketStyle ? seg.marks.filter((m) => !inh.has(m)) : []
        const node: Item & { k: 'br' } = { k: 'br', items: [], author: null, ins: false, ...(own.length ? { marks: own } : {}), openMarks: seg.marks }
        stack.push({ items: cur, node })
        cur = node.items
      } else if (stack.length && !stack[stack.length - 1].node.ins) {
        const frame = stack.pop()!
        cur = frame.items
        cur.push(frame.node)
      } else pushText(']', seg.marks)
    }
    if (from < seg.s.length) pushText(seg.s.slice(from), seg.marks)
  }
  function unwind() {
    const frame = stack.pop()!
    const inner = cur
    cur = frame.items
    if (frame.node.ins) cur.push(frame.node)
    else {
      // A `[` never closed is text, with the marks it had (that of a bracket over several paragraphs among them).
      const outer = inherited()
      cur.push({ k: 'text', s: '[', marks: (frame.node.openMarks ?? []).filter((m) => !outer.has(m)) }, ...inner)
    }
  }
  while (stack.length) unwind()
  return root.map((it) => attribute(it))
}

// An insertion (a bracket) gets its author's position after it when the author is a delegation.
function attribute(it: Item): Item {
  if (it.k !== 'br') return it
  it.items = it.items.map((x) => attribute(x))
  return it
}

function sameMarks(a: MarkName[], b: MarkName[]): boolean {
  return a.length === b.length && a.every((m, i) => m === b[i])
}

/** What build() looks an insertion's author up in (the reader of the readWord call under way). */
export interface AuthorCodes {
  /** The delegation code of an author, or null (counting the name as unknown). */
  authorCode(author: string | null): string | null
}

/** The matched items as podium inline nodes; an insertion by a delegation (looked up in `authors`) gets its position after it. */
export function build(items: Item[], authors: AuthorCodes): Node[] {
  const out: Node[] = []
  for (const it of items) {
    if (it.k === 'text') {
      if (!it.s) continue
      const last = out[out.length - 1]
      const marks = it.marks.map((n) => schema.marks[n].create())
      if (last && last.isText && sameMarks(last.marks.map((m) => m.type.name as MarkName), it.marks)) out[out.length - 1] = schema.text(last.text! + it.s, last.marks)
      else out.push(schema.text(it.s, marks))
    } else if (it.k === 'atom') out.push(it.node)
    else {
      out.push(schema.nodes.bracket.create(null, build(it.items, authors), (it.marks ?? []).map((n) => schema.marks[n].create())))
      if (it.ins) {
        const code = authors.authorCode(it.author)
        if (code) out.push(schema.text(' '), schema.nodes.delegation_mark.create({ delegation: code, stance: '+' }))
      }
    }
  }
  return out
}

// A block's content may not start or end with white space in podium text; Word's may.
/** The nodes without the white space at their start and end: whole white-space text nodes dropped, the outer ones trimmed. */
export function trimContent(nodes: Node[]): Node[] {
  const out = [...nodes]
  while (out.length && out[0].isText && !out[0].text!.trimStart()) out.shift()
  while (out.length && out[out.length - 1].isText && !out[out.length - 1].text!.trimEnd()) out.pop()
  if (out.length && out[0].isText) out[0] = schema.text(out[0].text!.trimStart(), out[0].marks)
  const l = out.length - 1
  if (l >= 0 && out[l].isText) out[l] = schema.text(out[l].text!.trimEnd(), out[l].marks)
  return out
}
