import type { Mark, Node } from 'prosemirror-model'
import { schema } from '../schema.ts'
import type { MarkName, Token } from './tokenize.ts'

// From a block's tokens to inline ProseMirror content: brackets are matched into a tree, then mark
// delimiters are paired inside each bracket (a mark never crosses a bracket's edge), then the top level
// is cut into paragraphs at line breaks that no mark spans.

/** An item of a container: a token, or a matched bracket holding its own items. */
export type Item = Token | { k: 'bracket'; items: Item[]; at: number; end: number }

/** A bracket or mark delimiter that found no partner, kept as text. */
export interface Unmatched {
  at: number
  what: string
}

/** How deep brackets may nest; deeper pairs stay text (no negotiation nests more than a few levels). */
export const MAX_BRACKET_DEPTH = 64

/** Matches `[` with `]` (innermost first); unmatched ones become text and are reported. */
export function matchBrackets(tokens: Token[], unmatched: Unmatched[]): Item[] {
  const root: Item[] = []
  const stack: { items: Item[]; at: number }[] = []
  let current = root
  // Pairs opened beyond MAX_BRACKET_DEPTH: their "[" and "]" are text (deeper trees would overflow the stack).
  let overflow = 0
  for (const t of tokens) {
    if (t.k === 'open' && stack.length >= MAX_BRACKET_DEPTH) {
      if (overflow++ === 0) unmatched.push({ at: t.at, what: `brackets nested deeper than ${MAX_BRACKET_DEPTH} levels kept as text` })
      current.push({ k: 'text', s: '[', at: t.at })
    } else if (t.k === 'close' && overflow > 0) {
      overflow--
      current.push({ k: 'text', s: ']', at: t.at })
    } else if (t.k === 'open') {
      stack.push({ items: current, at: t.at })
      current = []
    } else if (t.k === 'close') {
      const frame = stack.pop()
      if (!frame) {
        unmatched.push({ at: t.at, what: 'unmatched "]" kept as text' })
        current.push({ k: 'text', s: ']', at: t.at })
      } else {
        const inner = current
        current = frame.items
        current.push({ k: 'bracket', items: inner, at: frame.at, end: t.at })
      }
    } else {
      current.push(t)
    }
  }
  // Brackets still open at the end of the block: their "[" is text, their items rejoin the parent.
  while (stack.length > 0) {
    const frame = stack.pop()!
    unmatched.push({ at: frame.at, what: 'unmatched "[" kept as text' })
    const inner = current
    current = frame.items
    current.push({ k: 'text', s: '[', at: frame.at }, ...inner)
  }
  return root
}

const MARK_TEXT: Record<MarkName, string> = { deletion: '~~', strong: '**', emphasis: '*' }

/** Pairs each mark's delimiters in order of appearance; a pair must enclose at least one item. */
function pairDelimiters(items: Item[]): Map<Item, Set<MarkName>> {
  const paired = new Map<Item, Set<MarkName>>()
  for (const name of ['deletion', 'strong', 'emphasis'] as MarkName[]) {
    const idx: number[] = []
    items.forEach((it, i) => { if (it.k === 'delim' && it.marks.includes(name)) idx.push(i) })
    for (let j = 0; j + 1 < idx.length; j += 2) {
      const [a, b] = [idx[j], idx[j + 1]]
      const enclosesSomething = items.slice(a + 1, b).some((it) => it.k !== 'delim')
      if (!enclosesSomething) continue
      for (const i of [a, b]) {
        if (!paired.has(items[i])) paired.set(items[i], new Set())
        paired.get(items[i])!.add(name)
      }
    }
  }
  return paired
}

/** An inline node or a line break at the top level, with the marks active on it. */
type Piece = { node: Node } | { nl: true }

/** Builds a container's inline nodes; line breaks at top level with no mark open are returned as `{nl}`. */
function buildContainer(items: Item[], topLevel: boolean): Piece[] {
  const paired = pairDelimiters(items)
  const active = new Set<MarkName>()
  const current = (): readonly Mark[] => {
    const ms: Mark[] = []
    for (const n of ['deletion', 'strong', 'emphasis'] as MarkName[]) if (active.has(n)) ms.push(schema.marks[n].create())
    return ms
  }
  const out: Piece[] = []
  const text = (s: string) => { if (s) out.push({ node: schema.text(s, current()) }) }
  for (const it of items) {
    switch (it.k) {
      case 'text': text(it.s); break
      case 'nl':
        if (topLevel && active.size === 0) out.push({ nl: true })
        else text('\n')
        break
      case 'atom': out.push({ node: it.node.mark(current()) }); break
      case 'bracket': {
        const inner = buildContainer(it.items, false).map((p) => ('node' in p ? p.node : schema.text('\n')))
        out.push({ node: schema.nodes.bracket.create(null, inner, current()) })
        break
      }
      case 'delim': {
        const toggles = paired.get(it) ?? new Set<MarkName>()
        for (const n of toggles) { if (active.has(n)) active.delete(n); else active.add(n) }
        // The part of a run that pairs with nothing stays text, inside whatever is now open.
        text(it.marks.filter((n) => !toggles.has(n)).map((n) => MARK_TEXT[n]).join(''))
        break
      }
      case 'open': case 'close':
        throw new RangeError(`bracket token at ${it.at} reached buildContainer unmatched`)
    }
  }
  return out
}

/** Builds the top level of a block and cuts it into units (future paragraphs) at free line breaks. */
export function buildUnits(items: Item[]): Node[][] {
  const units: Node[][] = [[]]
  for (const p of buildContainer(items, true)) {
    if ('nl' in p) units.push([])
    else units[units.length - 1].push(p.node)
  }
  return units
}
