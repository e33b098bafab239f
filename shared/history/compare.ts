import * as Y from 'yjs'
import { readDocFromY } from '../ydoc.ts'
import { listChanges } from './changes.ts'
import { redline } from './redline.ts'
import { unmove } from './unmove.ts'
import type { Attributor, Comparison } from './types.ts'

/** The podium version as it was at `snapshot`, read from a Y.Doc that keeps its history. */
export function docAtSnapshot(ydoc: Y.Doc, snapshot: Y.Snapshot) {
  return readDocFromY(Y.createDocFromSnapshot(ydoc, snapshot, new Y.Doc({ gc: false })))
}

/** Compares two states of one Y.Doc (gc off): the redline and the changes by paragraph, attributed by `who`. */
export function compareSnapshots(ydoc: Y.Doc, from: Y.Snapshot, to: Y.Snapshot, who: Attributor): Comparison {
  const blocks = unmove(redline(ydoc, from, to, who))
  const changes = listChanges(docAtSnapshot(ydoc, from), docAtSnapshot(ydoc, to), blocks)
  const byIdentity: Record<string, number> = {}
  for (const c of changes) for (const b of c.by) byIdentity[b] = (byIdentity[b] ?? 0) + 1
  return { blocks, changes, byIdentity }
}
