import { AGREED_AD_REF_LINE } from '../../shared/format/index.ts'
import {
  AlignmentType, Document, EndnoteIdReference, Footer, FootnoteReference, Header, Packer, PageNumber, Paragraph, Run, TextRun,
  type ICharacterStyleOptions, type IParagraphStyleOptions
} from 'docx'
import type { Fragment, Node } from 'prosemirror-model'
import { DEFAULT_ROSTER, type RosterEntry } from '../../shared/roster.ts'
import { noteText, positionText } from '../../shared/schema.ts'
import { asOfLine, footerLine, type ExportMeta } from './meta.ts'
import { DOCX_STYLES as S } from './docx-styles.ts'
import { orderedMarkNames } from '../../shared/node-marks.ts'
import { spanningEdges, splitAtEdges, type SpanEdge } from '../../shared/render/spans.ts'

// A Word document of a podium version, as delegations send it to their capitals: the title and the
// "as of" line, every block as a paragraph, brackets in bold, positions and notes in the
// delegation's colour, proposed deletions struck, A4 with numbered pages and the label in the footer.
//
// Conventions that only look like formatting are carried by styles (bracket bold, note italics), so
// that direct formatting means exactly the podium marks (strong, emphasis, deletion) and a Podium
// DOCX imports back to the same podium text (server/import/docx.ts).

type MarkName = 'strong' | 'emphasis' | 'deletion'

// The colour of the Podium Bracket style, also the [ and ] of a bracket over several paragraphs.
const SPAN_EDGE_COLOUR = 'AA0000'

const A4 = { width: 11906, height: 16838 } // twips
const MARGIN = 1134 // 2 cm in twips

const paragraphStyles: IParagraphStyleOptions[] = [
  { id: S.title, name: 'Podium Title', basedOn: 'Normal', next: S.paragraph, quickFormat: true,
    run: { bold: true, size: 28 }, paragraph: { alignment: AlignmentType.CENTER, spacing: { after: 60 } } },
  { id: S.asOf, name: 'Podium As Of', basedOn: 'Normal', next: S.paragraph,
    run: { italics: true, size: 20, color: '555555' }, paragraph: { alignment: AlignmentType.CENTER, spacing: { after: 360 } } },
  { id: S.paragraph, name: 'Podium Paragraph', basedOn: 'Normal', next: S.paragraph, quickFormat: true,
    run: { size: 24, font: 'Times New Roman' }, paragraph: { alignment: AlignmentType.JUSTIFIED, spacing: { before: 160, after: 0, line: 276 } } },
  { id: S.paragraphLine, name: 'Podium Paragraph Line', basedOn: S.paragraph, next: S.paragraphLine,
    paragraph: { spacing: { before: 0 } } },
  { id: S.heading, name: 'Podium Heading', basedOn: S.paragraph, next: S.paragraph, quickFormat: true,
    run: { bold: true }, paragraph: { alignment: AlignmentType.CENTER, spacing: { before: 320, after: 120 }, keepNext: true, outlineLevel: 1 } },
  { id: S.headingLine, name: 'Podium Heading Line', basedOn: S.heading, next: S.paragraph,
    paragraph: { spacing: { before: 0 } } }
]

const characterStyles: ICharacterStyleOptions[] = [
  { id: S.bracket, name: 'Podium Bracket', basedOn: 'DefaultParagraphFont', run: { bold: true, color: SPAN_EDGE_COLOUR } },
  { id: S.position, name: 'Podium Position', basedOn: 'DefaultParagraphFont', run: { size: 20 } },
  { id: S.positionOppose, name: 'Podium Position Oppose', basedOn: S.position, run: { bold: true } },
  { id: S.note, name: 'Podium Note', basedOn: 'DefaultParagraphFont', run: { italics: true, size: 20 } }
]

function colourOf(code: string, roster: readonly RosterEntry[]): string {
  return (roster.find((r) => r.code === code)?.colour ?? '#555555').replace('#', '').toUpperCase()
}

function markSet(node: Node, inherited: ReadonlySet<MarkName>): Set<MarkName> {
  const out = new Set(inherited)
  for (const name of orderedMarkNames(node)) out.add(name as MarkName)
  return out
}

// Direct formatting for podium marks; a bracket's marks show on its whole content, as in the HTML page.
function formatting(marks: ReadonlySet<MarkName>) {
  return {
    ...(marks.has('strong') ? { bold: true } : {}),
    ...(marks.has('emphasis') ? { italics: true } : {}),
    ...(marks.has('deletion') ? { strike: true } : {})
  }
}

/** The footnotes and endnotes of a Word document being written, by their Word id (1, 2, …). */
export interface DocxNotes {
  footnotes: Record<number, { children: Paragraph[] }>
  endnotes: Record<number, { children: Paragraph[] }>
}

/** An empty set of notes for docxParagraphs. */
export function newDocxNotes(): DocxNotes {
  return { footnotes: {}, endnotes: {} }
}

// A real Word footnote or endnote: the reference run (with the podium marks on it) where the node
// is, its text as the note's one paragraph.
function noteRun(node: Node, f: object, notes: DocxNotes): Run {
  const endnote = node.attrs.kind === 'endnote'
  const list = endnote ? notes.endnotes : notes.footnotes
  const id = Object.keys(list).length + 1
  list[id] = { children: [new Paragraph({ children: [new TextRun(String(node.attrs.text))] })] }
  return new Run({ style: endnote ? 'EndnoteReference' : 'FootnoteReference', ...f, children: [endnote ? new EndnoteIdReference(id) : new FootnoteReference(id)] })
}

// What writing inline content needs besides the roster: the notes being collected and the ends of
// brackets over several paragraphs (by position); `start` is the position of the content's first
// child at a block's top level, else -1.
interface RunCtx {
  roster: readonly RosterEntry[]
  notes: DocxNotes
  edges: ReadonlyMap<number, SpanEdge>
}

function runs(content: Fragment, inherited: ReadonlySet<MarkName>, ctx: RunCtx, start = -1): Run[] {
  const { roster, notes } = ctx
  const out: Run[] = []
  content.forEach((node, offset) => {
    const marks = markSet(node, inherited)
    const f = formatting(marks)
    if (node.isText) {
      // The [ and ] of a bracket over several paragraphs look like every bracket's (one bracket).
      const pieces = start < 0 ? [{ text: node.text! }] : splitAtEdges(node.text!, start + offset, ctx.edges)
      for (const piece of pieces) {
        // In the bracket colour only: the Podium Bracket style would be read back as a bracket's own marks.
        if ('edge' in piece) { out.push(new TextRun({ text: piece.text, color: SPAN_EDGE_COLOUR, ...f })); continue }
        // A line break inside a block (inside a bracket or a mark) is a Word line break.
        piece.text.split('\n').forEach((line, i) => out.push(new TextRun({ text: line, ...(i > 0 ? { break: 1 } : {}), ...f })))
      }
    } else if (node.type.name === 'bracket') {
      out.push(new TextRun({ text: '[', style: S.bracket, ...f }))
      out.push(...runs(node.content, marks, ctx))
      out.push(new TextRun({ text: ']', style: S.bracket, ...f }))
    } else if (node.type.name === 'delegation_mark') {
      const style = node.attrs.stance === '-' ? S.positionOppose : S.position
      out.push(new TextRun({ text: positionText(node.attrs as never), style, color: colourOf(node.attrs.delegation, roster), ...f }))
    } else if (node.type.name === 'note') {
      const first = String(node.attrs.delegations).split(', ')[0]
      out.push(new TextRun({ text: noteText(node.attrs as never), style: S.note, color: colourOf(first, roster), ...f }))
    } else if (node.type.name === 'footnote') {
      out.push(noteRun(node, f, notes))
    }
  })
  return out
}

/**
 * The Word paragraphs of a podium document, one per block, in the Podium styles. Footnotes and
 * endnotes are added to `notes`, which the Document must be given (`footnotes`, `endnotes`).
 */
export function docxParagraphs(doc: Node, roster: readonly RosterEntry[] = DEFAULT_ROSTER, notes: DocxNotes = newDocxNotes()): Paragraph[] {
  const out: Paragraph[] = []
  const ctx: RunCtx = { roster, notes, edges: spanningEdges(doc) }
  doc.forEach((block, blockPos) => {
    const line = block.attrs.sep === 'line'
    const style = block.type.name === 'heading' ? (line ? S.headingLine : S.heading) : (line ? S.paragraphLine : S.paragraph)
    out.push(new Paragraph({ style, children: runs(block.content, new Set(), ctx, blockPos + 1) }))
    // Its own paragraph, as in podium text, so an import reads the paragraph back as agreed ad ref.
    if (block.attrs.adref === true) out.push(new Paragraph({ style: S.paragraph, children: [new TextRun({ text: AGREED_AD_REF_LINE })] }))
  })
  return out
}

/**
 * Writes `doc` as a Word document (OOXML .docx bytes): title, the "as of" line (the snapshot's label
 * or the live text's date), the blocks, and a footer with the label, the hash and "Page N of M".
 */
export async function exportDocx(doc: Node, meta: ExportMeta): Promise<Buffer> {
  if (!meta || typeof meta.title !== 'string') throw new RangeError(`exportDocx: meta.title ${JSON.stringify(meta?.title)} is not a string`)
  const roster = meta.roster ?? DEFAULT_ROSTER
  const footer = new Footer({
    children: [
      new Paragraph({ alignment: AlignmentType.LEFT, children: [new TextRun({ text: footerLine(meta), size: 16, color: '555555' })] }),
      new Paragraph({
        alignment: AlignmentType.RIGHT,
        children: [new TextRun({ children: ['Page ', PageNumber.CURRENT, ' of ', PageNumber.TOTAL_PAGES], size: 16, color: '555555' })]
      })
    ]
  })
  // The draft's own header (its version line), as a Word header: an import reads it back as the document's header.
  const header = meta.header?.length
    ? new Header({ children: meta.header.map((line) => new Paragraph({ alignment: AlignmentType.RIGHT, children: [new TextRun({ text: line, size: 18, color: '555555' })] })) })
    : null
  const notes = newDocxNotes()
  const body = docxParagraphs(doc, roster, notes)
  const document = new Document({
    title: meta.title,
    description: [meta.label, meta.hash ? `hash ${meta.hash}` : ''].filter(Boolean).join(', ') || undefined,
    creator: 'Podium',
    styles: { paragraphStyles, characterStyles },
    footnotes: notes.footnotes,
    endnotes: notes.endnotes,
    sections: [{
      properties: { page: { size: A4, margin: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN, footer: 567 } } },
      footers: { default: footer },
      ...(header ? { headers: { default: header } } : {}),
      children: [
        new Paragraph({ style: S.title, children: [new TextRun(meta.title)] }),
        new Paragraph({ style: S.asOf, children: [new TextRun(asOfLine(meta))] }),
        ...body
      ]
    }]
  })
  return Packer.toBuffer(document)
}
