import type { Node } from 'prosemirror-model'
import { serializeInline } from '../format/serialize.ts'
import type { RosterEntry } from '../roster.ts'
import { analyse, type Analysis, type BracketInfo, type DelegationInfo, type NoteInfo, type ParagraphInfo, type Position } from './analyse.ts'
import { isSubLabel, labelOf } from './labels.ts'

// The analysis of a document that changes a little at a time (the editor, on every remote update).
// ProseMirror shares unchanged blocks between one document and the next (y-prosemirror reuses the
// nodes of the Yjs types an update did not touch), so what a block says by itself — its label, its
// brackets with their text and depth, its positions and notes, at positions relative to the block —
// is kept per block node and read again only for blocks that are new. What depends on the blocks
// before (a sub-label's parent, bracket indices, absolute positions, the per-delegation lists and
// totals) is put together in one light pass over the blocks. A text `[` left unmatched in one block
// closed by a text `]` in a later one is a bracket over several paragraphs: a document holding one is
// analysed whole, as `analyse` does.

// What one block says by itself, at positions relative to the block's start.
interface BlockLocal {
  kind: 'paragraph' | 'heading'
  label: string | null
  /**
   * The block's own text `[` and `]` left unmatched within it: `]`s first (they close a `[` of an
   * earlier block, if any is open), then `[`s (they may be closed in a later block).
   */
  looseCloses: number
  looseOpens: number
  brackets: { text: string; depth: number; supporters: BracketInfo['supporters']; opponents: BracketInfo['opponents']; notes: NoteInfo[]; from: number; to: number }[]
  positions: Position[]
  notes: NoteInfo[]
  /** Positions and notes in document order, with the local index of the bracket they follow. */
  events: ({ position: Position; bracket: number | null } | { note: NoteInfo })[]
  /** What the block gave the last time it was put together, kept while it starts at the same place with the same ref and first bracket index. */
  last?: { offset: number; ref: string | null; first: number; info: ParagraphInfo; entries: DelegationEntry[] }
}

// One line of a delegation's lists (DelegationInfo) that a block adds.
type DelegationEntry =
  | { code: string; position: DelegationInfo['positions'][number] }
  | { code: string; note: DelegationInfo['notes'][number] }

// Text between a bracket and its marks that keeps them attached (as in analyse.ts).
const SEPARATOR = /^[\s,;.]*$/

function readBlock(block: Node): BlockLocal {
  const kind = block.type.name === 'heading' ? 'heading' : 'paragraph'
  const local: BlockLocal = { kind, label: kind === 'paragraph' ? labelOf(block.textContent) : null, looseCloses: 0, looseOpens: 0, brackets: [], positions: [], notes: [], events: [] }
  block.forEach((child) => {
    if (!child.isText) return
    const t = child.text!
    for (let k = 0; k < t.length; k++) {
      const ch = t.charCodeAt(k)
      if (ch === 0x5b) local.looseOpens++
      else if (ch === 0x5d) {
        if (local.looseOpens > 0) local.looseOpens--
        else local.looseCloses++
      }
    }
  })
  const walk = (container: Node, start: number, depth: number) => {
    let target: number | null = null
    container.forEach((child, childOffset) => {
      const pos = start + childOffset
      if (child.type.name === 'bracket') {
        const index = local.brackets.length
        local.brackets.push({ text: serializeInline(child.content), depth: depth + 1, supporters: [], opponents: [], notes: [], from: pos, to: pos + child.nodeSize })
        walk(child, pos + 1, depth + 1)
        target = index
      } else if (child.type.name === 'delegation_mark') {
        const p: Position = { delegation: child.attrs.delegation, stance: child.attrs.stance, qualifier: child.attrs.qualifier }
        local.events.push({ position: p, bracket: target })
        if (target !== null) (p.stance === '+' ? local.brackets[target].supporters : local.brackets[target].opponents).push({ delegation: p.delegation, qualifier: p.qualifier })
        else local.positions.push(p)
      } else if (child.type.name === 'note') {
        const n: NoteInfo = { delegations: String(child.attrs.delegations).split(', '), text: child.attrs.text }
        local.events.push({ note: n })
        if (target !== null) local.brackets[target].notes.push(n)
        else local.notes.push(n)
      } else if (!(child.isText && SEPARATOR.test(child.text!))) {
        target = null
      }
    })
  }
  walk(block, 1, 0)
  return local
}

// Whether a roman sub-label like "(i)" is under the last letter (as in analyse.ts).
function isRomanSub(label: string, letter: string | null): boolean {
  const m = /^\(?([ivxlc]+)\)$/.exec(label)
  if (!m) return false
  if (m[1].length > 1) return true
  // The letter right after the last one is a letter: "(i)" after "(h)", "(c)" after "(b)", "(v)" after "(u)".
  const last = letter ? /^\(?([a-z])\)$/.exec(letter)?.[1] : undefined
  return !(last && String.fromCharCode(last.charCodeAt(0) + 1) === m[1])
}

/** Analyses documents that share unchanged blocks with earlier ones, reading only new blocks; equals `analyse`. */
export interface IncrementalAnalyser {
  /** The analysis of `doc`, exactly as `analyse(doc, roster)` gives it. */
  analyse(doc: Node): Analysis
}

/**
 * An analyser for one editor's documents, with a cache per block node (held weakly: old blocks go with
 * their documents). `roster` is read at every call: a roster changed in place (delegations or aliases
 * added during the meeting) counts from the next analysis on.
 */
export function incrementalAnalyser(roster: readonly RosterEntry[] = []): IncrementalAnalyser {
  const cache = new WeakMap<Node, BlockLocal>()
  const local = (block: Node) => {
    let l = cache.get(block)
    if (!l) { l = readBlock(block); cache.set(block, l) }
    return l
  }
  return {
    analyse(doc) {
      const locals: BlockLocal[] = []
      // Text brackets pair across blocks (spanningBrackets) only where a block's loose `]` meets a `[` left open before it.
      let spanning = false
      let open = 0
      doc.forEach((block) => {
        const l = local(block)
        if (l.looseCloses > 0 && open > 0) spanning = true
        open = Math.max(0, open - l.looseCloses) + l.looseOpens
        locals.push(l)
      })
      // A bracket over several paragraphs may pair text brackets of different blocks: the whole way.
      if (spanning) return analyse(doc, roster)

      const aliases = new Map<string, string>()
      for (const r of roster) for (const a of r.aliases ?? []) aliases.set(a, r.code)
      const paragraphs: ParagraphInfo[] = []
      const delegations: Record<string, DelegationInfo> = {}
      const totals = { paragraphs: 0, open: 0, agreed: 0, brackets: 0, positions: 0, notes: 0 }
      const delegation = (written: string) => {
        const code = aliases.get(written) ?? written
        return (delegations[code] ??= { supports: 0, opposes: 0, positions: [], notes: [] })
      }
      for (const r of roster) delegation(r.code)
      let parent: string | null = null
      let letter: string | null = null
      let bracketIndex = 0
      let i = 0
      doc.forEach((block, offset) => {
        const l = locals[i++]
        const { kind, label } = l
        if (kind === 'heading') { parent = null; letter = null }
        let ref = label
        if (label && isSubLabel(label)) {
          const base = parent ? (parent as string).replace(/\.$/, '') : ''
          if (isRomanSub(label, letter) && letter) ref = base + letter + label
          else { ref = base + label; letter = label }
        } else if (label) { parent = label; letter = null }
        const first = bracketIndex
        bracketIndex += l.brackets.length
        // Unchanged, in the same place, under the same label: what it gave last time, as it was.
        let last = l.last
        if (!last || last.offset !== offset || last.ref !== ref || last.first !== first) {
          // Only moved (an edit above it): the delegations' lines, which hold no positions, stay as they were.
          const moved = last !== undefined && last.ref === ref && last.first === first
          const brackets: BracketInfo[] = l.brackets.map((b, k) => ({
            index: first + k, text: b.text, depth: b.depth, supporters: b.supporters, opponents: b.opponents, notes: b.notes,
            from: offset + b.from, to: offset + b.to
          }))
          const info: ParagraphInfo = {
            id: block.attrs.id, kind, label, ref, status: brackets.length > 0 || l.positions.length > 0 ? 'open' : 'agreed', adref: block.attrs.adref === true,
            brackets, positions: l.positions, notes: l.notes, from: offset, to: offset + block.nodeSize
          }
          let entries: DelegationEntry[]
          if (moved) entries = last!.entries
          else {
            entries = []
            for (const e of l.events) {
              if ('position' in e) entries.push({ code: e.position.delegation, position: { ...e.position, paragraph: info.id, ref, bracket: e.bracket === null ? null : first + e.bracket } })
              else for (const code of e.note.delegations) entries.push({ code, note: { ...e.note, paragraph: info.id, ref } })
            }
          }
          last = l.last = { offset, ref, first, info, entries }
        }
        const info = last.info
        for (const e of last.entries) {
          const d = delegation(e.code)
          if ('position' in e) {
            if (e.position.stance === '+') d.supports++
            else d.opposes++
            d.positions.push(e.position)
          } else d.notes.push(e.note)
        }
        for (const e of l.events) {
          if ('position' in e) totals.positions++
          else totals.notes++
        }
        totals.brackets += info.brackets.length
        if (kind === 'paragraph') {
          totals.paragraphs++
          if (info.status === 'open') totals.open++
          else totals.agreed++
        }
        paragraphs.push(info)
      })
      return { paragraphs, delegations, totals }
    }
  }
}
