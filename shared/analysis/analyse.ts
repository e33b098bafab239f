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
  /** ProseMirror positions before and after the bracket node (for a bracket over several paragraphs, of its `[` and after its `]`). */
  from: number
  to: number
  /** For a bracket over several paragraphs (a `[` in one paragraph closed by a `]` in a later one): the first and last block index. */
  spans?: { fromBlock: number; toBlock: number }
}

/** A bracket over several paragraphs: the `[` and `]` (text characters) that pair across blocks. */
export interface SpanningBracket {
  fromBlock: number
  /** Offset of the `[` among the block's top-level text characters. */
  fromOffset: number
  /** ProseMirror position of the `[`. */
  fromPos: number
  toBlock: number
  toOffset: number
  /** ProseMirror position of the `]`. */
  toPos: number
}

/**
 * Brackets that open in one paragraph and close in a later one: a `[` left unmatched in its block (kept
 * as text) paired with the next unmatched `]` of a later block, nesting in order. Unmatched ones left
 * over pair with nothing.
 */
export function spanningBrackets(doc: Node): SpanningBracket[] {
  const out: SpanningBracket[] = []
  const stack: { block: number; offset: number; pos: number }[] = []
  let blockIndex = 0
  doc.forEach((block, blockPos) => {
    let offset = 0
    block.forEach((child, childOffset) => {
      if (!child.isText) return
      const t = child.text!
      for (let k = 0; k < t.length; k++) {
        const ch = t.charCodeAt(k)
        if (ch === 0x5b) stack.push({ block: blockIndex, offset: offset + k, pos: blockPos + 1 + childOffset + k })
        else if (ch === 0x5d) {
          const open = stack.pop()
          if (open && open.block !== blockIndex) out.push({ fromBlock: open.block, fromOffset: open.offset, fromPos: open.pos, toBlock: blockIndex, toOffset: offset + k, toPos: blockPos + 1 + childOffset + k })
        }
      }
      offset += t.length
    })
    blockIndex++
  })
  return out.sort((a, b) => a.fromPos - b.fromPos)
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

// Whether a sub-label like "(i)" is a roman numeral under the last letter rather than the letter after "(h)".
function isRomanSub(label: string, letter: string | null): boolean {
  const m = /^\(?([ivxlc]+)\)$/.exec(label)
  if (!m) return false
  if (m[1].length > 1) return true
  // The letter right after the last one is a letter: "(i)" after "(h)", "(c)" after "(b)", "(v)" after "(u)".
  const last = letter ? /^\(?([a-z])\)$/.exec(letter)?.[1] : undefined
  return !(last && String.fromCharCode(last.charCodeAt(0) + 1) === m[1])
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
  // A code as written (`ИРАН`) counts for the roster's delegation it is an alias of (`IRAN`).
  const aliases = new Map<string, string>()
  for (const r of roster) for (const a of r.aliases ?? []) aliases.set(a, r.code)
  const delegation = (written: string) => {
    const code = aliases.get(written) ?? written
    return (delegations[code] ??= { supports: 0, opposes: 0, positions: [], notes: [] })
  }
  for (const r of roster) delegation(r.code)
  let parent: string | null = null
  let letter: string | null = null
  let bracketIndex = 0
  const spans = spanningBrackets(doc)
  // Blocks inside a bracket over several paragraphs, and where each such bracket closes.
  const inside = new Set<number>()
  for (const sp of spans) for (let b = sp.fromBlock; b <= sp.toBlock; b++) inside.add(b)
  const closing = new Map<number, { pos: number; info: BracketInfo }[]>()
  let blockIndex = -1

  doc.forEach((block, offset) => {
    blockIndex++
    const kind = block.type.name === 'heading' ? 'heading' : 'paragraph'
    const label = kind === 'paragraph' ? labelOf(block.textContent) : null
    if (kind === 'heading') { parent = null; letter = null }
    // "12." then "(b)" is 12(b); "(i)" after "(b)" is 12(b)(i) (roman under a letter, as drafts number them).
    let ref = label
    if (label && isSubLabel(label)) {
      const base = parent ? parent.replace(/\.$/, '') : ''
      if (isRomanSub(label, letter) && letter) ref = base + letter + label
      else { ref = base + label; letter = label }
    } else if (label) { parent = label; letter = null }
    const info: ParagraphInfo = {
      id: block.attrs.id, kind, label, ref, status: 'agreed', adref: block.attrs.adref === true, brackets: [], positions: [], notes: [],
      from: offset, to: offset + block.nodeSize
    }
    for (const sp of spans) {
      if (sp.fromBlock !== blockIndex) continue
      const b: BracketInfo = {
        index: -1, text: doc.textBetween(sp.fromPos + 1, sp.toPos, '\n'), depth: 1,
        supporters: [], opponents: [], notes: [], from: sp.fromPos, to: sp.toPos + 1, spans: { fromBlock: sp.fromBlock, toBlock: sp.toBlock }
      }
      info.brackets.push(b)
      const list = closing.get(sp.toBlock) ?? []
      list.push({ pos: sp.toPos, info: b })
      closing.set(sp.toBlock, list)
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
        } else if (child.isText && depth === 0 && closing.has(blockIndex) && closing.get(blockIndex)!.some((c) => c.pos >= pos && c.pos < pos + child.nodeSize && SEPARATOR.test(child.text!.slice(c.pos - pos + 1)))) {
          // The `]` of a bracket over several paragraphs, with only separators after it: positions after it are on it.
          target = closing.get(blockIndex)!.find((c) => c.pos >= pos && c.pos < pos + child.nodeSize)!.info
        } else if (!(child.isText && SEPARATOR.test(child.text!))) {
          target = null
        }
      })
    }
    walk(block, offset + 1, 0)

    // A bracket over several paragraphs takes its index where it opens, in document order.
    for (const b of info.brackets) if (b.index < 0) b.index = bracketIndex++
    totals.brackets += info.brackets.length
    if (info.brackets.length > 0 || info.positions.length > 0 || inside.has(blockIndex)) info.status = 'open'
    if (kind === 'paragraph') {
      totals.paragraphs++
      if (info.status === 'open') totals.open++
      else totals.agreed++
    }
    paragraphs.push(info)
  })
  return { paragraphs, delegations, totals }
}
