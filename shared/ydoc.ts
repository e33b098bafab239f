import * as Y from 'yjs'
import type { Node } from 'prosemirror-model'
import { prosemirrorToYXmlFragment, yXmlFragmentToProsemirrorJSON, updateYFragment } from 'y-prosemirror'
import { schema } from './schema.ts'
import { liftNodeMarks, lowerNodeMarks } from './node-marks.ts'

/** The name of the Y.XmlFragment that holds the podium version, as y-prosemirror stores it. */
export const FRAGMENT_NAME = 'prosemirror'

/** A new Y.Doc for a podium document. History is kept (gc off) so every past state can be rebuilt. */
export function newYDoc(): Y.Doc {
  return new Y.Doc({ gc: false })
}

/**
 * Writes a ProseMirror document into an empty Y.Doc's `prosemirror` fragment, in one transaction with
 * `origin`. Marks on brackets, positions and notes go into their `marks` attribute (shared/node-marks.ts):
 * y-prosemirror would drop them.
 */
export function writeDocToY(doc: Node, ydoc: Y.Doc, origin: unknown = null): void {
  const fragment = ydoc.getXmlFragment(FRAGMENT_NAME)
  if (fragment.length > 0) throw new RangeError('writeDocToY: the Y.Doc already holds a document')
  const lifted = liftNodeMarks(doc)
  ydoc.transact(() => prosemirrorToYXmlFragment(lifted, fragment), origin)
}

type JsonNode = { type?: unknown; text?: unknown; content?: unknown }

// A block as the schema accepts it, or null.
function validNode(json: unknown): Node | null {
  try {
    const node = schema.nodeFromJSON(json)
    node.check()
    return node
  } catch {
    return null
  }
}

// Every word of a JSON node, for a block the schema cannot take as it is.
function textOf(json: unknown): string {
  const j = json as JsonNode
  if (typeof j?.text === 'string') return j.text
  return Array.isArray(j?.content) ? j.content.map(textOf).join('') : ''
}

/**
 * Reads the podium version out of a Y.Doc as a ProseMirror document of the podium schema. It only
 * reads: a block the schema does not accept (sent by a faulty or hostile client) becomes a plain
 * paragraph of its words, instead of being deleted from the Y.Doc as y-prosemirror's reader does.
 * The `marks` attribute of brackets, positions and notes comes back as their ProseMirror marks; a
 * document stored before that attribute existed reads as it always did (its nodes have no marks).
 */
export function readDocFromY(ydoc: Y.Doc): Node {
  const json = yXmlFragmentToProsemirrorJSON(ydoc.getXmlFragment(FRAGMENT_NAME)) as JsonNode
  const whole = validNode(json)
  if (whole) return lowerNodeMarks(whole)
  const blocks = (Array.isArray(json.content) ? json.content : []).map((b) => {
    const node = validNode(b)
    if (node && node.isBlock) return node
    const text = textOf(b)
    return schema.nodes.paragraph.create(null, text ? schema.text(text) : null)
  })
  return lowerNodeMarks(schema.nodes.doc.create(null, blocks.length ? blocks : [schema.nodes.paragraph.create()]))
}

/**
 * Makes the Y.Doc's fragment equal to `doc` with the smallest change y-prosemirror finds,
 * as the editor binding would (used by headless edits: CLI, REST, tests).
 */
export function updateYFromDoc(ydoc: Y.Doc, doc: Node, origin: unknown = null): void {
  const fragment = ydoc.getXmlFragment(FRAGMENT_NAME)
  const lifted = liftNodeMarks(doc)
  ydoc.transact(() => {
    updateYFragment(ydoc, fragment, lifted, { mapping: new Map(), isOMark: new Map() } as never)
  }, origin)
}
