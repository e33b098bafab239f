import { cobLabel } from './cob.ts'
import { SERVER_ACTOR } from '../sync/origins.ts'
import { takeSnapshot, type SnapshotDeps } from './service.ts'

/**
 * The COB job for local date `date`: every document that changed since its last snapshot gets a COB
 * snapshot labelled "Podium version as of COB, <date>". Documents without edits get none. When several
 * server processes run it, the database keeps one per document and day. Returns the documents snapshotted.
 */
export function runCob(deps: SnapshotDeps, date: string): string[] {
  const taken: string[] = []
  for (const doc of deps.storage.listDocs()) {
    if (!doc.lastChange) continue
    const last = deps.storage.listSnapshots(doc.name).at(-1)
    if (last && last.createdAt >= doc.lastChange) continue
    const r = takeSnapshot(deps, doc.name, { label: cobLabel(date), by: SERVER_ACTOR, cobDate: date })
    if (r.ok) taken.push(doc.name)
  }
  return taken
}
