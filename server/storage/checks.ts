// The periodic reads of a server — the revocation poll, the re-check of connected tokens, a lease's
// renewal, a look for a lapsed lease — started without blocking where storage can (PostgreSQL: a
// round trip through its worker thread, several ms on a busy machine, which every server made
// several times a second on its loop), made at once elsewhere (SQLite answers from the same thread
// in microseconds). Either way the caller handles the answer on a later turn (onSettled).

import type { CallInFlight } from './append-types.ts'
import type { Lease, Storage, TokenRecord } from './types.ts'

/** What PostgreSQL storage adds for the periodic reads: the same calls, started (see CallInFlight). */
export interface AsyncChecks {
  /** Starts Storage.tokenRevision(). */
  startTokenRevision(): CallInFlight<string>
  /** Starts Storage.acquireLease(doc, holder, ttlMs). */
  startAcquireLease(doc: string, holder: string, ttlMs: number): CallInFlight<Lease | null>
  /** Starts Storage.leaseOf(doc). */
  startLeaseOf(doc: string): CallInFlight<Lease | null>
  /** Starts reading the tokens of these ids (Storage.tokenById for each, in one query): those that exist, in any order. */
  startTokensById(ids: readonly string[]): CallInFlight<TokenRecord[]>
}

/** A call made now, as a CallInFlight already settled: its value or its error, the same each time. */
export function settledCall<T>(fn: () => T): CallInFlight<T> {
  let outcome: { value: T } | { error: unknown }
  try {
    outcome = { value: fn() }
  } catch (error) {
    outcome = { error }
  }
  return {
    settle: () => {
      if ('error' in outcome) throw outcome.error
      return outcome.value
    },
    waitAtMost: () => true,
    // On a later turn, as a started call's would be.
    onSettled: (done) => { setImmediate(done) }
  }
}

function hasChecks(storage: Storage): storage is Storage & AsyncChecks {
  return typeof (storage as Partial<AsyncChecks>).startTokenRevision === 'function'
}

/** Storage.tokenRevision(), started where storage can. */
export function startTokenRevision(storage: Storage): CallInFlight<string> {
  return hasChecks(storage) ? storage.startTokenRevision() : settledCall(() => storage.tokenRevision())
}

/** Storage.acquireLease(doc, holder, ttlMs), started where storage can. */
export function startAcquireLease(storage: Storage, doc: string, holder: string, ttlMs: number): CallInFlight<Lease | null> {
  return hasChecks(storage) ? storage.startAcquireLease(doc, holder, ttlMs) : settledCall(() => storage.acquireLease(doc, holder, ttlMs))
}

/** Storage.leaseOf(doc), started where storage can. */
export function startLeaseOf(storage: Storage, doc: string): CallInFlight<Lease | null> {
  return hasChecks(storage) ? storage.startLeaseOf(doc) : settledCall(() => storage.leaseOf(doc))
}

/** The tokens of `ids` that exist (Storage.tokenById for each), started where storage can. */
export function startTokensById(storage: Storage, ids: readonly string[]): CallInFlight<TokenRecord[]> {
  return hasChecks(storage) ? storage.startTokensById(ids) : settledCall(() => ids.map((id) => storage.tokenById(id)).filter((t): t is TokenRecord => t !== null))
}
