import * as Y from 'yjs'
import type { Node } from 'prosemirror-model'
import { prosemirrorToYXmlFragment, yXmlFragmentToProseMirrorRootNode, updateYFragment } from 'y-prosemirror'
import { schema } from './schema.ts'

/** The name of the Y.XmlFragment that holds the podium version, as y-prosemirror stores it. */
export const FRAGMENT_NAME = 'prosemirror'

/** A new Y.Doc for a podium document. History is kept (gc off) so every past state can be rebuilt. */
export function newYDoc(): Y.Doc {
  return new Y.Doc({ gc: false })
}

/** Writes a ProseMirror document into an empty Y.Doc's `prosemirror` fragment, in one transaction with `origin`. */
export function writeDocToY(doc: Node, ydoc: Y.Doc, origin: unknown = null): void {
  const fragment = ydoc.getXmlFragment(FRAGMENT_NAME)
  if (fragment.length > 0) throw new RangeError('writeDocToY: the Y.Doc already holds a document')
  ydoc.transact(() => prosemirrorToYXmlFragment(doc, fragment), origin)
}

/** Reads the podium version out of a Y.Doc as a ProseMirror document of the podium schema. */
export function readDocFromY(ydoc: Y.Doc): Node {
  return yXmlFragmentToProseMirrorRootNode(ydoc.getXmlFragment(FRAGMENT_NAME), schema)
}

/**
 * Makes the Y.Doc's fragment equal to `doc` with the smallest change y-prosemirror finds,
 * as the editor binding would (used by headless edits: CLI, REST, tests).
 */
export function updateYFromDoc(ydoc: Y.Doc, doc: Node, origin: unknown = null): void {
  const fragment = ydoc.getXmlFragment(FRAGMENT_NAME)
  ydoc.transact(() => {
    updateYFragment(ydoc, fragment, doc, { mapping: new Map(), isOMark: new Map() } as never)
  }, origin)
}
