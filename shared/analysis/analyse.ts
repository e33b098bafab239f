import type { Node } from 'prosemirror-model'
import { serializeInline } from '../format/serialize.ts'
import type { RosterEntry } from '../roster.ts'
import { isSubLabel, labelOf } from './labels.ts'

/** A delegation's position: `(+IRAN with reservation)` is `{delegation: 'IRAN', stance: '+', qualifier: 'with reservation'}`. */
export interface Position {
  delegation: string
  stance: '+' | '-'
  qualifier: string | null
}

/** A note: `(IND, TUR: depends on PP5b)` is `{delegations: ['IND', 'TUR'], text: 'depends on PP5b'}`. */
export interface NoteInfo {
  delegations: string[]
  text: string
}

/** One bracket: its content as podium text, its depth (1 = outermost), and the positions and notes right after it. */
export interface BracketInfo {
  /** Index of the bracket in document order, from 0. */
  index: number
  text: string
  depth: number
  supporters: { delegation: string; qualifier: string | null }[]
  opponents: { delegation: string; qualifier: string | null }[]
  notes: NoteInfo[]
  /** ProseMirror positions before and after the bracket node. */
  from: number
  to: number
}

/** One block of the document as the negotiators see it. */
export interface ParagraphInfo {
  id: string | null
  kind: 'paragraph' | 'heading'
  /** The label the text starts with ("PP4", "13.", "(1)"), or null. */
  label: string | null
  /** The label with its parent for sub-items ("OP5(1)"), else the label. */
  ref: string | null
  /** `agreed`: no brackets and no positions; otherwise `open`. */
  status: 'agreed' | 'open'
  /** Marked agreed ad ref by the chair or secretariat: locked for delegations, whatever its status. */
  adref: boolean
  brackets: BracketInfo[]
  /** Positions not right after a bracket (PP4, PP5a in the seed). */
  positions: Position[]
  /** Notes not right after a bracket. */
  notes: NoteInfo[]
  from: number
  to: number
}

/** Every position one delegation holds, and its notes. */
export interface DelegationInfo {
  supports: number
  opposes: number
  positions: (Position & { paragraph: string | null; ref: string | null; bracket: number | null })[]
  notes: (NoteInfo & { paragraph: string | null; ref: string | null })[]
}

/** The analysis of a podium version. */
export interface Analysis {
  paragraphs: ParagraphInfo[]
  delegations: Record<string, DelegationInfo>
  totals: { paragraphs: number; open: number; agreed: number; brackets: number; positions: number; notes: number }
}

// Text between a bracket and its marks that keeps them attached: "] (+PAL) (+EGY), (+BANGL)".
const SEPARATOR = /^[\s,;.]*$/

/**
 * Reads labels, status, brackets, positions and notes out of a podium document. With a roster, every
 * roster delegation has an entry in `delegations`, holding positions or not.
 */
export function analyse(doc: Node, roster: readonly RosterEntry[] = []): Analysis {
  const paragraphs: ParagraphInfo[] = []
  const delegations: Record<string, DelegationInfo> = {}
  const totals = { paragraphs: 0, open: 0, agreed: 0, brackets: 0, positions: 0, notes: 0 }
  const delegation = (code: string) => (delegations[code] ??= { supports: 0, opposes: 0, positions: [], notes: [] })
  for (const r of roster) delegation(r.code)
  let parent: string | null = null
  let bracketIndex = 0

  doc.forEach((block, offset) => {
    const kind = block.type.name === 'heading' ? 'heading' : 'paragraph'
    const label = kind === 'paragraph' ? labelOf(block.textContent) : null
    if (kind === 'heading') parent = null
    const ref = label && isSubLabel(label) && parent ? parent + label : label
    if (label && !isSubLabel(label)) parent = label
    const info: ParagraphInfo = {
      id: block.attrs.id, kind, label, ref, status: 'agreed', adref: block.attrs.adref === true, brackets: [], positions: [], notes: [],
      from: offset, to: offset + block.nodeSize
    }

    const walk = (container: Node, start: number, depth: number) => {
      let target: BracketInfo | null = null
      container.forEach((child, childOffset) => {
        const pos = start + childOffset
        if (child.type.name === 'bracket') {
          const b: BracketInfo = {
            index: bracketIndex++, text: serializeInline(child.content), depth: depth + 1,
            supporters: [], opponents: [], notes: [], from: pos, to: pos + child.nodeSize
          }
          info.brackets.push(b)
          walk(child, pos + 1, depth + 1)
          target = b
        } else if (child.type.name === 'delegation_mark') {
          const p: Position = { delegation: child.attrs.delegation, stance: child.attrs.stance, qualifier: child.attrs.qualifier }
          const d = delegation(p.delegation)
          if (p.stance === '+') d.supports++
          else d.opposes++
          d.positions.push({ ...p, paragraph: info.id, ref, bracket: target ? target.index : null })
          totals.positions++
          if (target) (p.stance === '+' ? target.supporters : target.opponents).push({ delegation: p.delegation, qualifier: p.qualifier })
          else info.positions.push(p)
        } else if (child.type.name === 'note') {
          const n: NoteInfo = { delegations: String(child.attrs.delegations).split(', '), text: child.attrs.text }
          for (const code of n.delegations) delegation(code).notes.push({ ...n, paragraph: info.id, ref })
          totals.notes++
          if (target) target.notes.push(n)
          else info.notes.push(n)
        } else if (!(child.isText && SEPARATOR.test(child.text!))) {
          target = null
        }
      })
    }
    walk(block, offset + 1, 0)

    totals.brackets += info.brackets.length
    if (info.brackets.length > 0 || info.positions.length > 0) info.status = 'open'
    if (kind === 'paragraph') {
      totals.paragraphs++
      if (info.status === 'open') totals.open++
      else totals.agreed++
    }
    paragraphs.push(info)
  })
  return { paragraphs, delegations, totals }
}
