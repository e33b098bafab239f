import * as Y from 'yjs'
import type { Attributor } from './types.ts'

/** Yjs's delete set (not exported by name from yjs' typings). */
export type DeleteSet = Y.Snapshot['ds']

/** Which identity deleted what: the delete set of every accepted update, by the identity that sent it. */
export interface DeletionRecord {
  identity: string
  ds: DeleteSet
}

/**
 * An Attributor from the server's records: client ID → identity for insertions, and the delete sets of
 * accepted updates for deletions. Later records win when two deleted the same item.
 */
export function recordsAttributor(owners: ReadonlyMap<number, string>, deletions: readonly DeletionRecord[]): Attributor {
  return {
    inserted: (client) => owners.get(client) ?? null,
    deleted: (client, clock) => {
      for (let i = deletions.length - 1; i >= 0; i--) {
        if (Y.isDeleted(deletions[i].ds, new Y.ID(client, clock) as never)) return deletions[i].identity
      }
      return null
    }
  }
}

/** The delete set an update carries (what it deletes), decoded from its bytes. */
export function deleteSetOfUpdate(update: Uint8Array): DeleteSet {
  return Y.decodeUpdate(update).ds
}
