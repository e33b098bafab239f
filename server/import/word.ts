import type { Node } from 'prosemirror-model'
import { schema, type BlockSeparator } from '../../shared/schema.ts'
import { newBlockId } from '../../shared/ids.ts'
import { DEFAULT_ROSTER, type RosterEntry } from '../../shared/roster.ts'
import { looksLikeHeading } from '../../shared/format/index.ts'
import { positionPattern, notePattern } from '../../shared/format/syntax.ts'
import { DOCX_STYLES as S } from '../export/docx-styles.ts'
import { Numbering } from './numbering.ts'
import { NameMap } from './names.ts'
import { kid, kids, onOff, textOf, val, type XEl } from './xml.ts'

// A Word document (its parsed XML parts) to a podium document, built from the Word model directly:
// Word's own characters are never read as podium markup (a literal `*` stays text). Paragraph numbers
// are computed as Word shows them; comments become notes; tracked changes are kept as proposals or
// accepted; footnotes and endnotes are `footnote` nodes at their reference, holding their text; tables become one paragraph
// per row. What was done is counted for the preview.

type MarkName = 'deletion' | 'strong' | 'emphasis'
const ORDER: MarkName[] = ['deletion', 'strong', 'emphasis']

/** What to do with tracked changes: keep them as proposals (the default) or accept them all. */
export type TrackedChanges = 'keep' | 'accept'

/** The XML parts of a Word document the reader uses. */
export interface WordParts {
  document: XEl
  styles?: XEl
  numbering?: XEl
  comments?: XEl
  footnotes?: XEl
  endnotes?: XEl
  core?: XEl
  headers: XEl[]
}

/** A counted kind of thing the import did, with the first Word paragraphs it happened in. */
export interface Tally {
  count: number
  paragraphs: number[]
}

/** What reading a Word document gave. */
export interface WordRead {
  doc: Node
  title: string | null
  /** The header's text lines (a version line such as "Version 14/11/2024 13:00") and the core properties. */
  metadata: { header: string[]; version: string | null; coreTitle: string | null; subject: string | null; creator: string | null }
  counts: {
    numbered: number
    comments: number
    commentsMapped: number
    insertions: number
    deletions: number
    footnotes: number
    endnotes: number
    /** Footnotes and endnotes whose "}}" or final "}" was written ")" (podium text ends a footnote at "}}"). */
    footnoteBraces: number
    tables: number
    tableRows: number
  }
  /** Names comments and changes were attributed to that are not on the roster, with how often. */
  unknownNames: Record<string, number>
  /** Things left out, by kind (images, fields…), with places. */
  dropped: Record<string, Tally>
  /** For each block of the document, the Word paragraph (1-based) it came from. */
  paragraphOfBlock: number[]
}

interface Style {
  basedOn?: string
  name: string
  numId?: string
  ilvl?: number
  outline?: number
}

/** One piece of a paragraph's content before brackets are matched. */
type Seg =
  | { k: 'text'; s: string; marks: MarkName[]; ins: string | null; bracketStyle?: boolean }
  | { k: 'atom'; node: Node; ins: string | null }
  | { k: 'ins-open'; id: string; author: string }
  | { k: 'ins-close'; id: string }

type Item =
  | { k: 'text'; s: string; marks: MarkName[] }
  | { k: 'atom'; node: Node }
  | { k: 'br'; items: Item[]; author: string | null; ins: boolean; marks?: MarkName[]; openMarks?: MarkName[] }

/** A footnote's text as podium text can hold it (isFootnoteText): a `}` that would end it early or last is written `)`. */
export function footnoteSafe(text: string): string {
  let out = text
  while (/\}\}|\}$/.test(out)) out = out.replace(/\}(?=\}|$)/, ')')
  return out
}

class Reader {
  readonly styles = new Map<string, Style>()
  readonly numbering: Numbering
  readonly names: NameMap
  readonly codes: Set<string>
  readonly comments = new Map<string, { author: string; text: string }>()
  readonly footnotes = new Map<string, XEl>()
  readonly endnotes = new Map<string, XEl>()
  readonly footnoteOrder: string[] = []
  readonly endnoteOrder: string[] = []
  readonly counts: WordRead['counts'] = { numbered: 0, comments: 0, commentsMapped: 0, insertions: 0, deletions: 0, footnotes: 0, endnotes: 0, footnoteBraces: 0, tables: 0, tableRows: 0 }
  readonly unknownNames: Record<string, number> = {}
  readonly dropped: Record<string, Tally> = {}
  paragraph = 0
  private insSeen = new Set<string>()
  private lastInsAuthor: string | null = null
  private delSeen = new Set<string>()

  constructor (readonly parts: WordParts, readonly roster: readonly RosterEntry[], readonly tracked: TrackedChanges) {
    for (const st of kids(parts.styles, 'w:style')) {
      const pPr = kid(st, 'w:pPr')
      const numPr = kid(pPr, 'w:numPr')
      const outline = val(pPr, 'w:outlineLvl')
      this.styles.set(st.attrs['w:styleId'] ?? '', {
        basedOn: val(st, 'w:basedOn'),
        name: val(st, 'w:name') ?? '',
        numId: val(numPr, 'w:numId'),
        ilvl: val(numPr, 'w:ilvl') !== undefined ? Number(val(numPr, 'w:ilvl')) : undefined,
        outline: outline !== undefined ? Number(outline) : undefined
      })
    }
    this.numbering = new Numbering(parts.numbering)
    this.names = new NameMap(roster)
    this.codes = new Set(roster.flatMap((r) => [r.code]))
    for (const c of kids(parts.comments, 'w:comment')) {
      const text = kids(c, 'w:p').map((p) => runText(p)).join(' ').replace(/\s+/g, ' ').trim()
      this.comments.set(c.attrs['w:id'] ?? '', { author: c.attrs['w:author'] ?? '', text })
    }
    for (const f of kids(parts.footnotes, 'w:footnote')) if (!f.attrs['w:type'] || f.attrs['w:type'] === 'normal') this.footnotes.set(f.attrs['w:id'] ?? '', f)
    for (const f of kids(parts.endnotes, 'w:endnote')) if (!f.attrs['w:type'] || f.attrs['w:type'] === 'normal') this.endnotes.set(f.attrs['w:id'] ?? '', f)
  }

  drop(kind: string): void {
    const t = (this.dropped[kind] ??= { count: 0, paragraphs: [] })
    t.count++
    if (t.paragraphs.length < 3 && !t.paragraphs.includes(this.paragraph)) t.paragraphs.push(this.paragraph)
  }

  private style(id: string | undefined): Style[] {
    const chain: Style[] = []
    const seen = new Set<string>()
    while (id && !seen.has(id) && chain.length < 20) {
      seen.add(id)
      const st = this.styles.get(id)
      if (!st) break
      chain.push(st)
      id = st.basedOn
    }
    return chain
  }

  /** The paragraph's Word number, if it has one (directly or through its style). */
  label(p: XEl): string | null {
    const pPr = kid(p, 'w:pPr')
    const numPr = kid(pPr, 'w:numPr')
    let numId = val(numPr, 'w:numId')
    let ilvl = val(numPr, 'w:ilvl') !== undefined ? Number(val(numPr, 'w:ilvl')) : undefined
    if (numId === undefined || ilvl === undefined) {
      for (const st of this.style(val(pPr, 'w:pStyle'))) {
        numId ??= st.numId
        ilvl ??= st.ilvl
      }
    }
    if (numId === undefined) return null
    const label = this.numbering.next(numId, ilvl ?? 0)
    if (label) this.counts.numbered++
    return label
  }

  isHeading(p: XEl): boolean {
    const id = val(kid(p, 'w:pPr'), 'w:pStyle')
    if (id === S.heading || id === S.headingLine) return true
    return this.style(id).some((st) => /^(heading \d|title)$/i.test(st.name))
  }

  /** The segments of a paragraph (or any run container). */
  segments(el: XEl, out: Seg[], ins: { id: string; author: string } | null = null, del = false): void {
    for (const c of el.children) {
      if (typeof c === 'string') continue
      switch (c.name) {
        case 'w:r': this.run(c, out, ins, del); break
        case 'w:hyperlink': case 'w:smartTag': case 'w:customXml': case 'w:fldSimple': case 'w:dir': case 'w:bdo':
          this.segments(c, out, ins, del); break
        case 'w:sdt': this.segments(kid(c, 'w:sdtContent') ?? c, out, ins, del); break
        case 'w:ins': case 'w:moveTo': {
          const id = c.attrs['w:id'] ?? String(out.length)
          const author = c.attrs['w:author'] ?? ''
          if (!this.insSeen.has(id)) { this.insSeen.add(id); this.counts.insertions++ }
          if (this.tracked === 'accept' || ins) { this.segments(c, out, ins, del); break }
          // Insertions side by side by one author (Word splits them by run) are one proposal.
          const last = out[out.length - 1]
          if (last && last.k === 'ins-close' && this.lastInsAuthor === author) out.pop()
          else out.push({ k: 'ins-open', id, author })
          this.lastInsAuthor = author
          this.segments(c, out, { id, author }, del)
          out.push({ k: 'ins-close', id })
          break
        }
        case 'w:del': case 'w:moveFrom': {
          const id = c.attrs['w:id'] ?? String(out.length)
          if (!this.delSeen.has(id)) { this.delSeen.add(id); this.counts.deletions++ }
          if (this.tracked === 'accept') break
          this.segments(c, out, ins, true)
          break
        }
        case 'w:commentReference': this.comment(c.attrs['w:id'] ?? '', out, ins); break
        case 'w:pPr': case 'w:rPr': case 'w:proofErr': case 'w:bookmarkStart': case 'w:bookmarkEnd': case 'w:commentRangeStart': case 'w:commentRangeEnd':
        case 'w:permStart': case 'w:permEnd': case 'w:lastRenderedPageBreak': case 'w:rPrChange': case 'w:pPrChange':
          break
        case 'm:oMath': case 'm:oMathPara': this.drop('an equation'); break
        default: this.segments(c, out, ins, del)
      }
    }
  }

  private run(r: XEl, out: Seg[], ins: { id: string; author: string } | null, del: boolean): void {
    const rPr = kid(r, 'w:rPr')
    const marks: MarkName[] = []
    if (del || onOff(rPr, 'w:strike') || onOff(rPr, 'w:dstrike')) marks.push('deletion')
    if (onOff(rPr, 'w:b')) marks.push('strong')
    if (onOff(rPr, 'w:i')) marks.push('emphasis')
    const bracketStyle = val(rPr, 'w:rStyle') === S.bracket
    const text = (s: string) => { if (s) out.push({ k: 'text', s, marks, ins: ins?.id ?? null, ...(bracketStyle ? { bracketStyle } : {}) }) }
    let field = 0
    for (const c of r.children) {
      if (typeof c === 'string') continue
      switch (c.name) {
        case 'w:t': case 'w:delText': if (field === 0) text(textOf(c)); break
        case 'w:tab': case 'w:ptab': text('\t'); break
        case 'w:br': case 'w:cr': if (c.attrs['w:type'] !== 'page' && c.attrs['w:type'] !== 'column') text('\n'); break
        case 'w:noBreakHyphen': text('\u2011'); break
        case 'w:softHyphen': break
        case 'w:sym': text(c.attrs['w:char'] ? String.fromCharCode(parseInt(c.attrs['w:char'], 16) & 0xffff) : ''); break
        case 'w:footnoteReference': case 'w:endnoteReference': {
          const note = this.noteRef(c.name === 'w:footnoteReference' ? 'footnote' : 'endnote', c.attrs['w:id'] ?? '')
          if (note) out.push({ k: 'atom', node: marks.length ? note.mark(marks.map((n) => schema.marks[n].create())) : note, ins: ins?.id ?? null })
          break
        }
        case 'w:commentReference': this.comment(c.attrs['w:id'] ?? '', out, ins); break
        case 'w:fldChar': if (c.attrs['w:fldCharType'] === 'begin') field = 1; else if (c.attrs['w:fldCharType'] === 'separate') field = 0; else if (c.attrs['w:fldCharType'] === 'end') field = 0; break
        case 'w:instrText': break
        case 'w:drawing': case 'w:pict': case 'w:object': this.drop('an image or drawing'); break
        case 'mc:AlternateContent': this.drop('an image or drawing'); break
        case 'w:rPr': case 'w:lastRenderedPageBreak': case 'w:annotationRef': case 'w:footnoteRef': case 'w:endnoteRef': case 'w:separator': case 'w:continuationSeparator': break
        default: break
      }
    }
  }

  // A footnote or endnote becomes a `footnote` node at its reference, its text (its paragraphs
  // joined by a space) in the node. Text podium text could not write back is mended and counted.
  private noteRef(kind: 'footnote' | 'endnote', id: string): Node | null {
    const def = kind === 'footnote' ? this.footnotes.get(id) : this.endnotes.get(id)
    if (!def) return null
    const order = kind === 'footnote' ? this.footnoteOrder : this.endnoteOrder
    if (!order.includes(id)) order.push(id)
    const raw = kids(def, 'w:p').map((p) => noteText(p)).join(' ').replace(/[\r\n]+/g, ' ').trim()
    const text = footnoteSafe(raw)
    if (text !== raw) this.counts.footnoteBraces++
    return schema.nodes.footnote.create({ kind, text })
  }

  private comment(id: string, out: Seg[], ins: { id: string } | null): void {
    const c = this.comments.get(id)
    if (!c) return
    this.comments.delete(id)
    this.counts.comments++
    const lead = this.names.leading(c.text)
    let codes = lead.codes
    let text = lead.rest
    if (!codes.length) {
      const byAuthor = this.names.code(c.author)
      if (byAuthor) codes = [byAuthor]
    }
    const free = text.replace(/\s+/g, ' ').trim()
    if (codes.length && free && !/[()[\]]/.test(free)) {
      this.counts.commentsMapped++
      out.push({ k: 'text', s: ' ', marks: [], ins: ins?.id ?? null })
      out.push({ k: 'atom', node: schema.nodes.note.create({ delegations: codes.join(', '), text: free, form: 'colon' }), ins: ins?.id ?? null })
      return
    }
    const who = codes.length ? codes.join(', ') : lead.unknown ?? c.author ?? 'comment'
    if (!codes.length) this.unknownNames[who] = (this.unknownNames[who] ?? 0) + 1
    const shown = codes.length ? `${who}: ${free}` : lead.unknown ? c.text.trim() : `${who}: ${c.text.trim()}`
    out.push({ k: 'text', s: ` (${shown})`, marks: [], ins: ins?.id ?? null })
  }

  /** The inline content of a paragraph's segments: brackets matched, positions and notes recognised. */
  inline(segs: Seg[]): Node[] {
    const items = this.match(this.atoms(segs))
    return build(items)
  }

  // Positions and notes written in the text ("(+IND)", "(IND: keep)") become nodes, where the whole
  // mark is in one insertion (or none) and has one set of marks.
  private atoms(segs: Seg[]): Seg[] {
    const out: Seg[] = []
    for (const seg of segs) {
      if (seg.k !== 'text' || !seg.s.includes('(')) { out.push(seg); continue }
      const s = seg.s
      let at = 0
      const re = new RegExp(`${positionPattern()}|${notePattern()}`, 'g')
      for (const m of s.matchAll(re)) {
        const node = m[1] !== undefined
          ? (this.codes.has(m[2]) ? schema.nodes.delegation_mark.create({ stance: m[1], delegation: m[2], qualifier: m[3] ?? null }) : null)
          : (m[4].split(', ').every((c) => this.codes.has(c)) ? schema.nodes.note.create({ delegations: m[4], form: m[5] === ': ' ? 'colon' : 'plain', text: m[6] }) : null)
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
  private match(segs: Seg[]): Item[] {
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
    return root.map((it) => this.attribute(it))
  }

  // An insertion (a bracket) gets its author's position after it when the author is a delegation.
  private attribute(it: Item): Item {
    if (it.k !== 'br') return it
    it.items = it.items.map((x) => this.attribute(x))
    return it
  }

  authorCode(author: string | null): string | null {
    if (!author) return null
    const code = this.names.code(author) ?? this.names.leading(author).codes[0] ?? null
    if (!code) this.unknownNames[author] = (this.unknownNames[author] ?? 0) + 1
    return code
  }
}

function sameMarks(a: MarkName[], b: MarkName[]): boolean {
  return a.length === b.length && a.every((m, i) => m === b[i])
}

function runText(p: XEl): string {
  let out = ''
  const walk = (el: XEl) => {
    for (const c of el.children) {
      if (typeof c === 'string') continue
      if (c.name === 'w:t') out += textOf(c)
      else if (c.name === 'w:tab') out += ' '
      else if (c.name === 'w:br') out += ' '
      else if (c.name !== 'w:instrText' && c.name !== 'w:delText') walk(c)
    }
  }
  walk(p)
  return out
}

// A footnote paragraph's text as Word shows it: tabs kept, line breaks as spaces, deleted text left out.
function noteText(p: XEl): string {
  let out = ''
  const walk = (el: XEl) => {
    for (const c of el.children) {
      if (typeof c === 'string') continue
      if (c.name === 'w:t') out += textOf(c)
      else if (c.name === 'w:tab') out += '\t'
      else if (c.name === 'w:br' || c.name === 'w:cr') out += ' '
      else if (c.name === 'w:noBreakHyphen') out += '\u2011'
      else if (c.name !== 'w:instrText' && c.name !== 'w:delText' && c.name !== 'w:del' && c.name !== 'w:moveFrom') walk(c)
    }
  }
  walk(p)
  return out
}

let readerForBuild: Reader | null = null

function build(items: Item[]): Node[] {
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
      out.push(schema.nodes.bracket.create(null, build(it.items), (it.marks ?? []).map((n) => schema.marks[n].create())))
      if (it.ins) {
        const code = readerForBuild?.authorCode(it.author) ?? null
        if (code) out.push(schema.text(' '), schema.nodes.delegation_mark.create({ delegation: code, stance: '+' }))
      }
    }
  }
  return out
}

// A block's content may not start or end with white space in podium text; Word's may.
function trimContent(nodes: Node[]): Node[] {
  const out = [...nodes]
  while (out.length && out[0].isText && !out[0].text!.trimStart()) out.shift()
  while (out.length && out[out.length - 1].isText && !out[out.length - 1].text!.trimEnd()) out.pop()
  if (out.length && out[0].isText) out[0] = schema.text(out[0].text!.trimStart(), out[0].marks)
  const l = out.length - 1
  if (l >= 0 && out[l].isText) out[l] = schema.text(out[l].text!.trimEnd(), out[l].marks)
  return out
}

/** Reads a Word document's parts into a podium document. */
export function readWord(parts: WordParts, options: { roster?: readonly RosterEntry[]; tracked?: TrackedChanges } = {}): WordRead {
  const r = new Reader(parts, options.roster ?? DEFAULT_ROSTER, options.tracked ?? 'keep')
  readerForBuild = r
  const blocks: Node[] = []
  const paragraphOfBlock: number[] = []
  let title: string | null = null
  const body = kid(parts.document, 'w:body')

  const addBlock = (content: Node[], heading: boolean, sep: BlockSeparator) => {
    const trimmed = trimContent(content)
    if (!trimmed.length) return
    const attrs = { id: newBlockId(), sep }
    const para = schema.nodes.paragraph.create(attrs, trimmed)
    blocks.push(heading ? schema.nodes.heading.create(attrs, trimmed) : para)
    paragraphOfBlock.push(r.paragraph)
  }

  const paragraph = (p: XEl, inTable: boolean): Seg[] | null => {
    r.paragraph++
    const styleId = val(kid(p, 'w:pPr'), 'w:pStyle')
    const segs: Seg[] = []
    r.segments(p, segs)
    if (styleId === S.title || styleId === S.asOf) {
      if (styleId === S.title) title = segs.map((s) => (s.k === 'text' ? s.s : '')).join('').trim() || title
      return null
    }
    const label = r.label(p)
    const hasText = segs.some((s) => (s.k === 'text' && s.s.trim()) || s.k === 'atom' || s.k === 'ins-open')
    if (!hasText) return null
    if (label) segs.unshift({ k: 'text', s: label + ' ', marks: [], ins: null })
    if (inTable) return segs
    const heading = r.isHeading(p)
    const sep: BlockSeparator = styleId === S.paragraphLine || styleId === S.headingLine ? 'line' : 'blank'
    // A paragraph Word styles as a heading is a heading; one that would not read as one in podium text is still a heading (written "# …").
    addBlock(r.inline(segs), heading, sep)
    return segs
  }

  const table = (t: XEl) => {
    r.counts.tables++
    for (const tr of kids(t, 'w:tr')) {
      const cells: Seg[][] = []
      for (const tc of kids(tr, 'w:tc')) {
        const cell: Seg[] = []
        for (const c of kids(tc)) {
          if (c.name === 'w:p') {
            const segs = paragraph(c, true)
            if (segs) { if (cell.length) cell.push({ k: 'text', s: ' ', marks: [], ins: null }); cell.push(...segs) }
          } else if (c.name === 'w:tbl') table(c)
        }
        if (cell.length) cells.push(cell)
      }
      if (!cells.length) continue
      r.counts.tableRows++
      const row: Seg[] = []
      cells.forEach((c, i) => { if (i) row.push({ k: 'text', s: ' | ', marks: [], ins: null }); row.push(...c) })
      // Rows are never headings: a label cell is not a title.
      addBlock(r.inline(row), false, 'blank')
    }
  }

  const walk = (el: XEl | undefined) => {
    for (const c of kids(el)) {
      if (c.name === 'w:p') paragraph(c, false)
      else if (c.name === 'w:tbl') table(c)
      else if (c.name === 'w:sdt') walk(kid(c, 'w:sdtContent'))
      else if (c.name === 'w:customXml') walk(c)
    }
  }
  walk(body)

  r.counts.footnotes = r.footnoteOrder.length
  r.counts.endnotes = r.endnoteOrder.length
  // Comments whose reference was not in the body (in a deleted passage, say) are still kept.
  for (const id of [...r.comments.keys()]) {
    const segs: Seg[] = []
    ;(r as unknown as { comment(id: string, out: Seg[], ins: null): void }).comment(id, segs, null)
    if (segs.length) addBlock(r.inline(segs), false, 'blank')
  }

  readerForBuild = null
  if (!blocks.length) blocks.push(schema.nodes.paragraph.create({ id: newBlockId(), sep: 'blank' }))
  const coreTitle = core(parts.core, 'dc:title')
  const header = parts.headers.flatMap((h) => kids(h, 'w:p').map((p) => runText(p).replace(/\s+/g, ' ').trim())).filter(Boolean)
  const uniqueHeader = [...new Set(header)]
  const version = uniqueHeader.find((l) => /\bversion\b/i.test(l)) ?? null
  if (!title) title = coreTitle
  if (!title) {
    const first = blocks.find((b) => b.type.name === 'heading' || looksLikeHeading(b))
    if (first) title = first.textContent.trim().slice(0, 200) || null
  }
  return {
    doc: schema.nodes.doc.create(null, blocks),
    title,
    metadata: { header: uniqueHeader, version, coreTitle, subject: core(parts.core, 'dc:subject'), creator: core(parts.core, 'dc:creator') },
    counts: r.counts,
    unknownNames: r.unknownNames,
    dropped: r.dropped,
    paragraphOfBlock
  }
}

function core(el: XEl | undefined, name: string): string | null {
  const k = kid(el, name)
  const t = k ? textOf(k).trim() : ''
  return t || null
}
