import type { Mark, Node } from 'prosemirror-model'
import { schema } from '../../shared/schema.ts'

// Test builders in the manner of prosemirror-test-builder: documents are written as calls,
// `<name>` in a string tags a position, and the built doc carries `tag[name]`.

/** A built piece: nodes in order and tagged positions relative to the start of the first. */
export interface Piece {
  nodes: Node[]
  tag: Record<string, number>
}

/** A child of a builder: text (with `<tag>`s) or a built piece. */
export type Child = string | Piece

/** A document with its tagged positions. */
export type TaggedDoc = Node & { tag: Record<string, number> }

function collect(children: Child[]): Piece {
  const nodes: Node[] = []
  const tag: Record<string, number> = {}
  let pos = 0
  for (const child of children) {
    if (typeof child === 'string') {
      const re = /<(\w+)>/g
      let last = 0
      let m: RegExpExecArray | null
      const take = (s: string) => { if (s) { nodes.push(schema.text(s)); pos += s.length } }
      while ((m = re.exec(child))) {
        take(child.slice(last, m.index))
        tag[m[1]] = pos
        last = m.index + m[0].length
      }
      take(child.slice(last))
    } else {
      for (const [k, v] of Object.entries(child.tag)) tag[k] = pos + v
      for (const n of child.nodes) { nodes.push(n); pos += n.nodeSize }
    }
  }
  return { nodes, tag }
}

function shift(tag: Record<string, number>, by: number): Record<string, number> {
  return Object.fromEntries(Object.entries(tag).map(([k, v]) => [k, v + by]))
}

function block(type: 'paragraph' | 'heading', sep: 'blank' | 'line') {
  return (...children: Child[]): Piece => {
    const { nodes, tag } = collect(children)
    return { nodes: [schema.nodes[type].create({ id: null, sep }, nodes)], tag: shift(tag, 1) }
  }
}

function markBuilder(name: 'emphasis' | 'strong' | 'deletion') {
  return (...children: Child[]): Piece => {
    const { nodes, tag } = collect(children)
    const mark: Mark = schema.marks[name].create()
    return { nodes: nodes.map((n) => n.mark(mark.addToSet(n.marks))), tag }
  }
}

/** The document; its tags are positions in it. */
export function doc(...children: Child[]): TaggedDoc {
  const { nodes, tag } = collect(children)
  return Object.assign(schema.nodes.doc.create(null, nodes), { tag })
}

/** A paragraph separated from the previous block by a blank line. */
export const p = block('paragraph', 'blank')
/** A paragraph on the line right after the previous block (single line break). */
export const pl = block('paragraph', 'line')
/** A heading. */
export const h = block('heading', 'blank')

/** A paragraph with a given block id (null for none), for tests of ids. */
export function pid(id: string | null, ...children: Child[]): Piece {
  const built = p(...children)
  return { nodes: [built.nodes[0].type.create({ ...built.nodes[0].attrs, id }, built.nodes[0].content)], tag: built.tag }
}

/** A bracket around its children. */
export function br(...children: Child[]): Piece {
  const { nodes, tag } = collect(children)
  return { nodes: [schema.nodes.bracket.create(null, nodes)], tag: shift(tag, 1) }
}

/** A position: `pos('+IND')`, `pos('+IRAN', 'with reservation')`. */
export function pos(stanceAndCode: string, qualifier: string | null = null): Piece {
  const stance = stanceAndCode[0]
  if (stance !== '+' && stance !== '-') throw new RangeError(`pos: ${stanceAndCode} must start with + or -`)
  return { nodes: [schema.nodes.delegation_mark.create({ stance, delegation: stanceAndCode.slice(1), qualifier })], tag: {} }
}

/** A note: `note('IND', 'keep original')`, `note('CHN, THA', 'original text', 'plain')`. */
export function note(delegations: string, text: string, form: 'colon' | 'plain' = 'colon'): Piece {
  return { nodes: [schema.nodes.note.create({ delegations, text, form })], tag: {} }
}

/** Emphasis (`*…*`). */
/** A footnote or endnote holding `text`. */
export function fn(text: string, kind: 'footnote' | 'endnote' = 'footnote'): Piece {
  return { nodes: [schema.nodes.footnote.create({ kind, text })], tag: {} }
}

export const em = markBuilder('emphasis')
/** Strong (`**…**`). */
export const strong = markBuilder('strong')
/** Proposed deletion (`~~…~~`). */
export const del = markBuilder('deletion')

/** The document as JSON with block ids removed, for comparing documents whose ids differ. */
export function withoutIds(node: Node): unknown {
  return JSON.parse(JSON.stringify(node.toJSON(), (k, v) => (k === 'id' ? undefined : v)))
}
