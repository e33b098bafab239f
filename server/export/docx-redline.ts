import {
  AlignmentType, DeletedTextRun, Document, InsertedTextRun, Packer, Paragraph, TextRun
} from 'docx'
import type { ChangeKind, Comparison, RedlineInline } from '../../shared/history/types.ts'
import { DEFAULT_ROSTER, type RosterEntry } from '../../shared/roster.ts'
import { noteText, positionText } from '../../shared/schema.ts'

// The redline as capitals receive it: a Word document whose changes are real Word revisions
// (`w:ins` / `w:del` with the author — the delegation or role whose update made the change — and a
// date), so "Review → Accept/Reject" works on them. A bracket put around words that stayed is only
// its `[` and `]` inserted; struck words (proposed deletions) stay struck text, since a proposal is
// not a revision, with who proposed them in a following note.

/** What the redline document says about itself. */
export interface RedlineDocxMeta {
  title: string
  /** "Podium version as of COB, 4 October 2022 → live text". */
  between: string
  /** The date Word shows on every revision (ISO 8601): the later state's time. */
  date: string
  roster?: readonly RosterEntry[]
}

type Run = TextRun | InsertedTextRun | DeletedTextRun

interface Ctx { date: string; roster: readonly RosterEntry[]; next: number }

function colourOf(code: string, roster: readonly RosterEntry[]): string | undefined {
  return roster.find((r) => r.code === code)?.colour?.replace('#', '').toUpperCase()
}

function run(ctx: Ctx, text: string, change: ChangeKind, by: string | null, f: Record<string, unknown> = {}): Run {
  if (change === 'same') return new TextRun({ text, ...f })
  const rev = { id: ctx.next++, author: by ?? 'unknown', date: ctx.date }
  return change === 'added' ? new InsertedTextRun({ text, ...rev, ...f }) : new DeletedTextRun({ text, ...rev, ...f })
}

function runs(content: RedlineInline[], inherited: ChangeKind, inheritedBy: string | null, ctx: Ctx): Run[] {
  const out: Run[] = []
  for (const c of content) {
    // Inside an added or removed block or bracket, unchanged pieces share its change.
    const change: ChangeKind = c.change === 'same' ? inherited : c.change
    const by = c.change === 'same' ? inheritedBy : c.by
    const f = {
      ...(c.marks.includes('strong') ? { bold: true } : {}),
      ...(c.marks.includes('emphasis') ? { italics: true } : {}),
      ...(c.marks.includes('deletion') ? { strike: true } : {})
    }
    if (c.type === 'text') {
      out.push(run(ctx, c.text, change, by, f))
      if (c.proposal?.since && c.marks.includes('deletion') && change !== 'removed') {
        out.push(new TextRun({ text: ` [deletion proposed by ${c.proposal.by ?? 'unknown'}]`, italics: true, size: 16, color: '666666' }))
      }
    } else if (c.type === 'bracket') {
      const delim = { bold: true, color: 'AA0000', ...f }
      out.push(run(ctx, '[', change, by, delim))
      // The words a bracket was put around fared as themselves: not part of the bracket's change.
      out.push(...runs(c.content, inherited, inheritedBy, ctx))
      out.push(run(ctx, ']', change, by, delim))
    } else if (c.type === 'delegation_mark') {
      out.push(run(ctx, positionText(c.attrs as never), change, by, { size: 20, color: colourOf(String(c.attrs.delegation), ctx.roster), ...(c.attrs.stance === '-' ? { bold: true } : {}), ...f }))
    } else {
      out.push(run(ctx, noteText(c.attrs as never), change, by, { size: 20, italics: true, ...f }))
    }
  }
  return out
}

/** The redline of a comparison as a Word document with tracked changes (OOXML .docx bytes). */
export async function exportRedlineDocx(comparison: Comparison, meta: RedlineDocxMeta): Promise<Buffer> {
  const ctx: Ctx = { date: meta.date, roster: meta.roster ?? DEFAULT_ROSTER, next: 1 }
  const body: Paragraph[] = comparison.blocks.map((b) => new Paragraph({
    spacing: { before: b.sep === 'line' ? 0 : 160 },
    ...(b.type === 'heading' ? { alignment: AlignmentType.CENTER } : { alignment: AlignmentType.JUSTIFIED }),
    children: runs(b.content, b.change, b.by, ctx)
  }))
  const changes = comparison.changes.map((c) => new Paragraph({ bullet: { level: 0 }, children: [new TextRun({ text: `${c.summary}${c.by.length ? ` (${c.by.join(', ')})` : ''}`, size: 20 })] }))
  const document = new Document({
    title: `${meta.title} — redline`,
    description: meta.between,
    creator: 'Podium',
    sections: [{
      children: [
        new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: meta.title, bold: true, size: 28 })] }),
        new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 240 }, children: [new TextRun({ text: `Redline: ${meta.between}`, italics: true, size: 20, color: '555555' })] }),
        ...body,
        new Paragraph({ spacing: { before: 360 }, children: [new TextRun({ text: 'Changes by paragraph', bold: true })] }),
        ...changes
      ]
    }]
  })
  return Packer.toBuffer(document)
}
