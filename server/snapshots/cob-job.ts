import { cobLabel } from './cob.ts'
import { SERVER_ACTOR, type OnBehalfOf } from '../sync/origins.ts'
import { takeSnapshot, type SnapshotDeps } from './service.ts'
import type { Storage } from '../storage/types.ts'

/** What a COB snapshot is taken with: the label, the server as its author, and the day. */
export interface CobSnapshot {
  label: string
  by: OnBehalfOf
  cobDate: string
}

/**
 * Takes one document's COB snapshot: resolves true when taken, false when that document already has
 * this day's (another process won the race, or it has no such document any more); rejects when it
 * could not be taken.
 */
export type CobTaker = (doc: string, snapshot: CobSnapshot) => Promise<boolean>

/** A taker in this thread over `deps` (tests, and a process of its own): the snapshot is taken synchronously. */
export function inThreadTaker(deps: SnapshotDeps): CobTaker {
  return async (doc, snapshot) => takeSnapshot(deps, doc, snapshot).ok
}

/**
 * The COB job for local date `date`: every document that changed since its last snapshot gets a COB
 * snapshot labelled "Podium version as of COB, <date>". Documents without edits get none. When several
 * server processes run it, the database keeps one per document and day (a lost race is no error).
 * Documents are taken one at a time, each awaited before the next: the server's taker hands each to
 * the work pool (cob-server.ts), so this thread only lists documents and hands out jobs. A document
 * whose snapshot cannot be taken (unreadable storage, or the pool never took it) is passed to
 * `onFailed` and the job goes on with the others: one broken document must not cost every other
 * delegation its COB version. Stops before the next document once `signal` is aborted (the server
 * closing). Resolves with the documents snapshotted; never rejects unless `storage` cannot list.
 */
export async function runCob(
  storage: Storage,
  date: string,
  take: CobTaker,
  onFailed: (doc: string, err: unknown) => void = () => {},
  signal?: AbortSignal
): Promise<string[]> {
  const taken: string[] = []
  const snapshot: CobSnapshot = { label: cobLabel(date), by: SERVER_ACTOR, cobDate: date }
  for (const doc of storage.listDocs()) {
    if (signal?.aborted) break
    try {
      if (!doc.lastChange) continue
      const last = storage.listSnapshots(doc.name).at(-1)
      if (last && last.createdAt >= doc.lastChange) continue
      if (await take(doc.name, snapshot)) taken.push(doc.name)
    } catch (err) {
      if (signal?.aborted) break
      onFailed(doc.name, err)
    }
  }
  return taken
}
