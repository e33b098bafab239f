import { cobLabel } from './cob.ts'
import { SERVER_ACTOR } from '../sync/origins.ts'
import { takeSnapshot, type SnapshotDeps } from './service.ts'

/**
 * The COB job for local date `date`: every document that changed since its last snapshot gets a COB
 * snapshot labelled "Podium version as of COB, <date>". Documents without edits get none. When several
 * server processes run it, the database keeps one per document and day. Returns the documents snapshotted.
 * A document that cannot be snapshotted (unreadable storage) is passed to `onFailed` and the job goes
 * on with the others: one broken document must not cost every other delegation its COB version.
 */
export function runCob(deps: SnapshotDeps, date: string, onFailed: (doc: string, err: unknown) => void = () => {}): string[] {
  const taken: string[] = []
  for (const doc of deps.storage.listDocs()) {
    try {
      if (!doc.lastChange) continue
      const last = deps.storage.listSnapshots(doc.name).at(-1)
      if (last && last.createdAt >= doc.lastChange) continue
      const r = takeSnapshot(deps, doc.name, { label: cobLabel(date), by: SERVER_ACTOR, cobDate: date })
      if (r.ok) taken.push(doc.name)
    } catch (err) {
      onFailed(doc.name, err)
    }
  }
  return taken
}
