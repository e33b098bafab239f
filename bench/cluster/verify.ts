// Nothing acknowledged may be lost: every edit some other client received (an acknowledgement, since
// Podium stores before it sends) must be in what each surviving server serves a fresh client and in
// what storage holds. An edit is "in" a document when the document holds its sender's structs up to
// the clock the edit ended at (an update is integrated whole or held back whole).

import * as Y from 'yjs'
import { BenchClient, type Target } from '../sync/client.ts'
import { until } from '../sync/stats.ts'
import { FRAGMENT_NAME, newYDoc } from '../../shared/ydoc.ts'

/** One edit to look for: its sender's Yjs client and the clock it ended at (exclusive). */
export interface Expected {
  client: number
  end: number
}

/** The edits of `expected` that `doc` lacks. */
export function missingIn(doc: Y.Doc, expected: readonly Expected[]): number {
  let missing = 0
  for (const e of expected) if (Y.getState(doc.store, e.client) < e.end) missing++
  return missing
}

/** A document from one update (null: none). */
export function docOf(update: Uint8Array | null): Y.Doc | null {
  if (!update) return null
  const doc = newYDoc()
  Y.applyUpdate(doc, update)
  return doc
}

/** The text of a document, for comparing copies. */
export const textOf = (doc: Y.Doc): string => doc.getXmlFragment(FRAGMENT_NAME).toString()

/**
 * What a fresh client of `target` is served, or null when it did not sync within `timeoutMs`. A
 * server that holds a copy (not the document's authority) may still be catching up: the client
 * keeps applying what it is sent until it has every edit of `expected` or `settleMs` has passed.
 */
export async function served(target: Target, expected: readonly Expected[], timeoutMs = 15_000, settleMs = 15_000): Promise<Y.Doc | null> {
  const client = new BenchClient(target, { apply: 'all' })
  try {
    if (!await until(() => client.synced, timeoutMs)) return null
    await until(() => missingIn(client.ydoc!, expected) === 0, settleMs)
    const doc = newYDoc()
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(client.ydoc!))
    return doc
  } finally {
    client.close()
  }
}
