import type { Node } from 'prosemirror-model'
import { spanningBrackets } from '../analysis/index.ts'

// Brackets over several paragraphs (a whole option in brackets) are, in the document, a `[` left
// open in one paragraph and a `]` in a later one, both text. The analysis pairs them; the exports
// draw them as one bracket with these helpers.

/** One end of a bracket over several paragraphs: which end, its number among them (1-based, document order), and its blocks. */
export interface SpanEdge {
  end: 'open' | 'close'
  n: number
  fromBlock: number
  toBlock: number
}

/** The ends of every bracket over several paragraphs, by the ProseMirror position of their `[` or `]`. */
export function spanningEdges(doc: Node): Map<number, SpanEdge> {
  const out = new Map<number, SpanEdge>()
  spanningBrackets(doc).forEach((b, i) => {
    out.set(b.fromPos, { end: 'open', n: i + 1, fromBlock: b.fromBlock, toBlock: b.toBlock })
    out.set(b.toPos, { end: 'close', n: i + 1, fromBlock: b.fromBlock, toBlock: b.toBlock })
  })
  return out
}

/** For each block index, whether it lies inside a bracket over several paragraphs (from its first to its last block). */
export function blocksInSpans(edges: ReadonlyMap<number, SpanEdge>): Set<number> {
  const out = new Set<number>()
  for (const e of edges.values()) if (e.end === 'open') for (let i = e.fromBlock; i <= e.toBlock; i++) out.add(i)
  return out
}

/** A piece of a text node: plain text, or one end of a bracket over several paragraphs. */
export type TextPiece = { text: string } | { edge: SpanEdge; text: string }

/** Cuts the text of a node starting at position `start` at the ends of brackets over several paragraphs. */
export function splitAtEdges(text: string, start: number, edges: ReadonlyMap<number, SpanEdge>): TextPiece[] {
  if (edges.size === 0) return [{ text }]
  const out: TextPiece[] = []
  let from = 0
  for (let k = 0; k < text.length; k++) {
    const edge = edges.get(start + k)
    if (!edge) continue
    if (k > from) out.push({ text: text.slice(from, k) })
    out.push({ edge, text: text[k] })
    from = k + 1
  }
  if (from < text.length || out.length === 0) out.push({ text: text.slice(from) })
  return out
}
