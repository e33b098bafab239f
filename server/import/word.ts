import type { Node } from 'prosemirror-model'
import { schema, type BlockSeparator } from '../../shared/schema.ts'
import { newBlockId } from '../../shared/ids.ts'
import { DEFAULT_ROSTER, type RosterEntry } from '../../shared/roster.ts'
import { looksLikeHeading } from '../../shared/format/index.ts'
import { DOCX_STYLES as S } from '../export/docx-styles.ts'
import { kid, kids, textOf, val, type XEl } from './xml.ts'
import { Reader } from './word-reader.ts'
import { trimContent } from './word-inline.ts'
import { runText } from './word-text.ts'
import type { Seg, TrackedChanges, WordParts, WordRead } from './word-types.ts'

// A Word document (its parsed XML parts) to a podium document, built from the Word model directly:
// Word's own characters are never read as podium markup (a literal `*` stays text). Paragraph numbers
// are computed as Word shows them; comments become notes; tracked changes are kept as proposals or
// accepted; footnotes and endnotes are `footnote` nodes at their reference, holding their text; tables become one paragraph
// per row. What was done is counted for the preview.

// Its stages are in word-text.ts (plain text of parts), word-reader.ts (styles, numbering, runs,
// tracked changes, comments, notes, the tallies), word-inline.ts (brackets, positions, nodes) and
// word-types.ts; what they export that importers of this file use is re-exported here.
export type { Tally, TrackedChanges, WordParts, WordRead } from './word-types.ts'
export { footnoteSafe } from './word-text.ts'

/** Reads a Word document's parts into a podium document. */
export function readWord(parts: WordParts, options: { roster?: readonly RosterEntry[]; tracked?: TrackedChanges } = {}): WordRead {
  const r = new Reader(parts, options.roster ?? DEFAULT_ROSTER, options.tracked ?? 'keep')
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
