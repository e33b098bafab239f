import { Fragment, type Mark, type Node } from 'prosemirror-model'
import { schema } from './schema.ts'

// Marks on brackets, positions and notes survive Yjs as a node attribute.
//
// y-prosemirror keeps marks on text only: `~~[text]~~` (a whole bracket proposed for deletion) would
// lose its mark as soon as the document is stored or reaches a browser. So in the shared document
// (Yjs) and in the editor, a bracket, position or note carries its marks in its `marks` attribute
// ("deletion strong", schema order, space-separated); everywhere else (podium text, analysis, exports)
// they are ordinary ProseMirror marks. `liftNodeMarks` turns the second form into the first (before a
// document is written to Yjs); `lowerNodeMarks` the first into the second (after it is read back).
// Readers that may see either form (the serializer, the renderers) use `nodeMarkNames`.

/** The node types whose marks y-prosemirror would drop: they keep them in a `marks` attribute. */
export const MARKED_NODES: ReadonlySet<string> = new Set(['bracket', 'delegation_mark', 'note', 'footnote'])

/** The mark names a `marks` attribute may list, in schema order. */
export const NODE_MARK_NAMES = ['deletion', 'strong', 'emphasis'] as const

/** The `marks` attribute for a set of mark names (schema order), or null for none. */
export function marksAttr(names: Iterable<string>): string | null {
  const set = new Set(names)
  const out = NODE_MARK_NAMES.filter((n) => set.has(n))
  return out.length ? out.join(' ') : null
}

/** The names listed by a `marks` attribute value (empty for null or anything else). */
export function namesOfAttr(value: unknown): string[] {
  return typeof value === 'string' && value ? value.split(' ') : []
}

/** The marks a node has in either form: its own ProseMirror marks and those in its `marks` attribute. */
export function nodeMarkNames(node: Node): Set<string> {
  const names = new Set(node.marks.map((m) => m.type.name))
  if (MARKED_NODES.has(node.type.name)) for (const n of namesOfAttr(node.attrs.marks)) names.add(n)
  return names
}

/** A node's marks in either form, in schema order (the order ProseMirror keeps them in). */
export function orderedMarkNames(node: Node): string[] {
  const names = nodeMarkNames(node)
  return Object.keys(schema.marks).filter((n) => names.has(n))
}

function marksOf(names: Iterable<string>): readonly Mark[] {
  let marks: readonly Mark[] = []
  for (const n of names) if (schema.marks[n]) marks = schema.marks[n].create().addToSet(marks)
  return marks
}

function mapInline(content: Fragment, f: (node: Node, content: Fragment) => Node): Fragment {
  let changed = false
  const out: Node[] = []
  content.forEach((child) => {
    if (child.isText) { out.push(child); return }
    const inner = child.content.size ? mapInline(child.content, f) : child.content
    const next = f(child, inner)
    if (next !== child) changed = true
    out.push(next)
  })
  return changed ? Fragment.from(out) : content
}

function mapDoc(doc: Node, f: (node: Node, content: Fragment) => Node): Node {
  const inline = (n: Node, content: Fragment): Node => {
    if (!MARKED_NODES.has(n.type.name)) return content === n.content ? n : n.copy(content)
    return f(n, content)
  }
  const blocks: Node[] = []
  let changed = false
  doc.forEach((b) => {
    const content = mapInline(b.content, inline)
    if (content !== b.content) changed = true
    blocks.push(content === b.content ? b : b.copy(content))
  })
  return changed ? doc.copy(Fragment.from(blocks)) : doc
}

/** Moves the marks of brackets, positions and notes into their `marks` attribute (the form Yjs keeps). */
export function liftNodeMarks(doc: Node): Node {
  return mapDoc(doc, (n, content) => {
    if (n.marks.length === 0 && content === n.content) return n
    const attrs = { ...n.attrs, marks: marksAttr(nodeMarkNames(n)) }
    return n.type.create(attrs, content, [])
  })
}

/** Moves the `marks` attribute of brackets, positions and notes back into ProseMirror marks. */
export function lowerNodeMarks(doc: Node): Node {
  return mapDoc(doc, (n, content) => {
    if (n.attrs.marks == null && content === n.content) return n
    const names = nodeMarkNames(n)
    return n.type.create({ ...n.attrs, marks: null }, content, marksOf(NODE_MARK_NAMES.filter((x) => names.has(x))))
  })
}
