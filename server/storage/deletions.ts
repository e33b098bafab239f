// The deletion record kept per update, so a comparison can say who deleted what even after the log
// is compacted: the update's delete set as an encoded Yjs snapshot with an empty state vector.

import * as Y from 'yjs'

/** A Yjs delete set (not exported by name from yjs 13). */
export type DeleteSet = Y.Transaction['deleteSet']

/** The deletion record of a delete set, or null when it deletes nothing. */
export function encodeDeletions(ds: DeleteSet): Uint8Array | null {
  if (ds.clients.size === 0) return null
  return Y.encodeSnapshot(Y.createSnapshot(ds, new Map()))
}

/** The deletion record of an encoded (v1) update; throws when it cannot be decoded. */
export function deletionsOfUpdate(update: Uint8Array): Uint8Array | null {
  return encodeDeletions(Y.decodeUpdate(update).ds)
}
