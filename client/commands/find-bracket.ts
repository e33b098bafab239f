import type { Node, ResolvedPos } from 'prosemirror-model'
import type { EditorState } from 'prosemirror-state'
import { schema } from '../../shared/schema.ts'

/** A bracket node and where it starts in the document. */
export interface FoundBracket {
  /** Position just before the bracket node. */
  pos: number
  node: Node
}

// Text that may stand between a bracket and the positions that follow it: `] (+QATAR), (+BANGL)`.
// Same rule as shared/analysis, so the toolbar acts on the bracket the matrix shows.
const FILLER = /^[\s,;.]*$/

/**
 * The bracket a negotiation command acts on: the innermost bracket around the selection's start,
 * or else the bracket that ends just before the cursor with only positions, notes, spaces and
 * commas in between (the cursor sits after `[…] (+CHN) `). Null when there is none.
 */
export function bracketAt(state: EditorState): FoundBracket | null {
  const $pos = state.selection.$from
  for (let d = $pos.depth; d > 0; d--) {
    const node = $pos.node(d)
    if (node.type === schema.nodes.bracket) return { pos: $pos.before(d), node }
  }
  return bracketBefore($pos)
}

/** The bracket that ends before `$pos` in the same parent, with only filler, positions and notes between. */
export function bracketBefore($pos: ResolvedPos): FoundBracket | null {
  const parent = $pos.parent
  let i = $pos.index()
  if ($pos.textOffset > 0) {
    const text = parent.child(i).text ?? ''
    if (!FILLER.test(text.slice(0, $pos.textOffset))) return null
  }
  for (i = i - 1; i >= 0; i--) {
    const child = parent.child(i)
    if (child.type === schema.nodes.bracket) return { pos: $pos.posAtIndex(i), node: child }
    if (child.type === schema.nodes.delegation_mark || child.type === schema.nodes.note) continue
    if (child.isText && FILLER.test(child.text ?? '')) continue
    return null
  }
  return null
}

/** One position mark in the document. */
export interface FoundPosition {
  pos: number
  node: Node
}

/** The positions that follow a bracket, and where a new one goes. */
export interface PositionGroup {
  positions: FoundPosition[]
  /** Where to insert a further position: after the last one, or right after the bracket. */
  end: number
}

/**
 * The positions that follow the bracket at `bracketPos` in its parent: `[…] (+CHN) (-IND)`.
 * Spaces and commas may stand between them; anything else (text, a note, another bracket) ends the group.
 */
export function positionGroup(doc: Node, bracketPos: number): PositionGroup {
  const $b = doc.resolve(bracketPos)
  const parent = $b.parent
  const positions: FoundPosition[] = []
  let pos = bracketPos + parent.child($b.index()).nodeSize
  let end = pos
  for (let i = $b.index() + 1; i < parent.childCount; i++) {
    const child = parent.child(i)
    if (child.type === schema.nodes.delegation_mark) {
      positions.push({ pos, node: child })
      end = pos + child.nodeSize
    } else if (!(child.isText && FILLER.test(child.text ?? ''))) {
      break
    }
    pos += child.nodeSize
  }
  return { positions, end }
}

/**
 * Loose positions (not after a bracket, as in PP4's `security (+IRAN) (+CHN)`) that end at the cursor:
 * the marks right before it in its parent, with only spaces and commas between. Empty when there are none.
 */
export function loosePositionsBefore($pos: ResolvedPos): FoundPosition[] {
  const parent = $pos.parent
  const found: FoundPosition[] = []
  if ($pos.textOffset > 0 && !FILLER.test((parent.child($pos.index()).text ?? '').slice(0, $pos.textOffset))) return found
  let pos = $pos.pos - $pos.textOffset
  for (let i = $pos.index() - 1; i >= 0; i--) {
    const child = parent.child(i)
    pos -= child.nodeSize
    if (child.type === schema.nodes.delegation_mark) found.unshift({ pos, node: child })
    else if (!(child.isText && FILLER.test(child.text ?? ''))) break
  }
  return found
}
