// The reader of one Word document: its styles, numbering, comments and notes, and its paragraphs'
// runs cut into segments, tracked changes kept or accepted, with what was done counted as it goes.

import type { Node } from 'prosemirror-model'
import { schema } from '../../shared/schema.ts'
import type { RosterEntry } from '../../shared/roster.ts'
import { DOCX_STYLES as S } from '../export/docx-styles.ts'
import { Numbering } from './numbering.ts'
import { NameMap } from './names.ts'
import { kid, kids, onOff, textOf, val, type XEl } from './xml.ts'
import { footnoteSafe, noteText, runText } from './word-text.ts'
import { build, matchBrackets, recogniseAtoms } from './word-inline.ts'
import type { MarkName, Seg, Tally, TrackedChanges, WordParts, WordRead } from './word-types.ts'

interface Style {
  basedOn?: string
  name: string
  numId?: string
  ilvl?: number
  outline?: number
}

/**
 * Reads one Word document's parts (readWord walks its body): numbers paragraphs as Word shows them,
 * cuts their runs into segments, and tallies what it did, what it dropped and the names it did not know.
 */
export class Reader {
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
    const items = matchBrackets(recogniseAtoms(segs, this.codes))
    return build(items, this)
  }

  authorCode(author: string | null): string | null {
    if (!author) return null
    const code = this.names.code(author) ?? this.names.leading(author).codes[0] ?? null
    if (!code) this.unknownNames[author] = (this.unknownNames[author] ?? 0) + 1
    return code
  }
}
