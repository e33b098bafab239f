import type { Node } from 'prosemirror-model'
import { Transform } from 'prosemirror-transform'
import * as prng from 'lib0/prng'
import { schema } from '../../shared/schema.ts'

// Random negotiation edits on a ProseMirror document, as delegates make them: type words, bracket a
// phrase (also inside a bracket), state or withdraw a position, lift a bracket, delete words.

interface Container {
  node: Node
  /** Position of the container's content start. */
  start: number
}

function containers(doc: Node): Container[] {
  const out: Container[] = []
  doc.descendants((node, pos) => {
    if (node.isTextblock || node.type.name === 'bracket') out.push({ node, start: pos + 1 })
    return true
  })
  return out
}

/** Positions between children of a container (child boundaries), from start to end. */
function boundaries(c: Container): number[] {
  const out = [c.start]
  c.node.forEach((child, offset) => out.push(c.start + offset + child.nodeSize))
  return out
}

const CODES = ['IND', 'CHN', 'ISR', 'IRAN', 'RUS', 'CHAIR']
const WORDS = ['peace', 'security', 'common', 'indivisible', 'cooperation', 'and', 'equal,', 'region']

/** Applies one random edit chosen by `gen`; returns the new document (valid for the podium schema). */
export function randomEdit(doc: Node, gen: prng.PRNG): Node {
  const cs = containers(doc)
  const c = prng.oneOf(gen, cs)
  const bounds = boundaries(c)
  const tr = new Transform(doc)
  const kind = prng.int32(gen, 0, 5)
  if (kind === 0) {
    // Type a word somewhere in the container, also inside a text node.
    const at = prng.int32(gen, c.start, c.start + c.node.content.size)
    tr.insert(at, schema.text(prng.oneOf(gen, WORDS) + ' '))
  } else if (kind === 1 && bounds.length > 1) {
    // Bracket a run of whole children of one container (brackets nest when the container is a bracket).
    const i = prng.int32(gen, 0, bounds.length - 2)
    const j = prng.int32(gen, i + 1, bounds.length - 1)
    const from = bounds[i]
    const to = bounds[j]
    tr.replaceWith(from, to, schema.nodes.bracket.create(null, doc.slice(from, to).content))
  } else if (kind === 2) {
    // State a position right after a child.
    const at = prng.oneOf(gen, bounds)
    const mark = schema.nodes.delegation_mark.create({ delegation: prng.oneOf(gen, CODES), stance: prng.bool(gen) ? '+' : '-' })
    tr.insert(at, [schema.text(' '), mark])
  } else if (kind === 3) {
    // Withdraw a position or a note.
    const atoms: number[] = []
    c.node.forEach((child, offset) => { if (child.isAtom && !child.isText) atoms.push(c.start + offset) })
    if (atoms.length) {
      const at = prng.oneOf(gen, atoms)
      tr.delete(at, at + 1)
    }
  } else if (kind === 4) {
    // Lift a bracket: keep its text, drop the brackets.
    const brackets: { pos: number; node: Node }[] = []
    c.node.forEach((child, offset) => { if (child.type.name === 'bracket') brackets.push({ pos: c.start + offset, node: child }) })
    if (brackets.length) {
      const b = prng.oneOf(gen, brackets)
      tr.replaceWith(b.pos, b.pos + b.node.nodeSize, b.node.content)
    }
  } else {
    // Delete a run of characters inside one text node.
    const texts: { pos: number; node: Node }[] = []
    c.node.forEach((child, offset) => { if (child.isText) texts.push({ pos: c.start + offset, node: child }) })
    if (texts.length) {
      const t = prng.oneOf(gen, texts)
      const a = prng.int32(gen, 0, t.node.nodeSize - 1)
      const b = prng.int32(gen, a, Math.min(t.node.nodeSize, a + 12))
      if (b > a) tr.delete(t.pos + a, t.pos + b)
    }
  }
  return tr.doc
}
