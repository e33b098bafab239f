// What an incoming Yjs update would change: the client IDs of its new structs and whether it
// deletes anything. Decoded with Yjs itself, never by hand.

import * as Y from 'yjs'

/** The client IDs an update carries new content for, and whether it changes anything at all. */
export interface UpdateMeta {
  /** Client IDs with structs beyond what `ydoc` already holds. */
  newClients: number[]
  /** Whether the update holds a non-empty delete set. */
  deletes: boolean
  /** Whether applying it could change `ydoc` (new structs or deletions). */
  changes: boolean
}

/**
 * Decodes `update` (Yjs v1 encoding) against the current state of `ydoc`. Throws when the update
 * cannot be decoded; the caller turns that into a protocol-error close.
 */
export function inspectUpdate(update: Uint8Array, ydoc: Y.Doc | null): UpdateMeta {
  const { structs, ds } = Y.decodeUpdate(update)
  const clients = new Set<number>()
  for (const s of structs) {
    if (s instanceof Y.Skip) continue
    const known = ydoc ? Y.getState(ydoc.store, s.id.client) : 0
    if (s.id.clock + s.length > known) clients.add(s.id.client)
  }
  let deletes = false
  for (const ranges of ds.clients.values()) if (ranges.length > 0) deletes = true
  return { newClients: [...clients].sort((a, b) => a - b), deletes, changes: clients.size > 0 || deletes }
}

/** The client IDs whose structs appear in `update` (used for the audit of updates the doc emitted). */
export function updateClients(update: Uint8Array): number[] {
  return inspectUpdate(update, null).newClients
}
