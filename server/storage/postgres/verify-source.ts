// `verify` on PostgreSQL: verify.ts's checks, run on the caller's thread over rows fetched page by
// page through the bridge, so both databases are judged by the same code.

import type { AuditRow, RefusalRow, SnapshotRow, VerifySource } from '../verify.ts'
import type { SyncBridge } from './bridge.ts'
import { PG_TRIGGER_NAMES } from './migrate.ts'
import { PAGE_ROWS } from './store-verify.ts'

// Each page of rows after the last id seen, until a short page.
function * pages<R extends { id: number }> (fetch: (after: number) => R[], size: number): Iterable<R> {
  let after = 0
  for (;;) {
    const page = fetch(after)
    yield * page
    if (page.length < size) return
    after = page[page.length - 1].id
  }
}

/** The rows of the storage behind `bridge`, for verifyRows. */
export function postgresSource (bridge: SyncBridge): VerifySource {
  return {
    hasChain: () => true,
    triggerNames: () => new Set(bridge.call<string[]>('vTriggers')),
    requiredTriggers: PG_TRIGGER_NAMES,
    events: () => bridge.call('vEvents'),
    docs: () => bridge.call('vDocs'),
    state: (doc) => bridge.call('vState', [doc]),
    snapshotUptos: (doc) => bridge.call('vSnapshotUptos', [doc]),
    auditRows: () => pages<AuditRow>((after) => bridge.call('vAuditPage', [after]), PAGE_ROWS),
    refusalRows: () => pages<RefusalRow>((after) => bridge.call('vRefusalPage', [after]), PAGE_ROWS),
    updates: (doc) => pages((after) => bridge.call('vUpdatePage', [doc, after]), PAGE_ROWS / 10),
    snapshots: (doc) => pages<SnapshotRow>((after) => bridge.call('vSnapshotPage', [doc, after]), PAGE_ROWS / 10),
    lastWrittenId: (table) => bridge.call('vLastWritten', [table])
  }
}
