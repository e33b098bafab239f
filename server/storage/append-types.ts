// The append and in-flight call contracts storage backends add to Storage: SQLite's batched appends,
// PostgreSQL's appends and compactions that commit while the caller's event loop goes on.

import type { Attribution } from './types.ts'

/** One update to append with its attribution. */
export interface PendingAppend {
  update: Uint8Array
  attribution: Attribution
  /**
   * The update's deletion record (`encodeDeletions` of its delete set) when the caller already has
   * it, as a room does from its Yjs transaction; otherwise storage decodes the update for it.
   */
  deletions?: Uint8Array | null
}

/**
 * What SQLite storage adds to Storage: appending several updates in one transaction, so a burst
 * costs one commit (one fsync with synchronous=full) instead of one each.
 */
export interface BatchAppend {
  /** Appends every update in order, all or none; returns their ids. With `fence`, as Storage.append. */
  appendMany(name: string, items: readonly PendingAppend[], fence?: number): number[]
}

/** An append started without waiting for its commit (its value: the ids); see AsyncAppend. */
export type AppendInFlight = CallInFlight<number[]>

/**
 * What PostgreSQL storage adds: an append whose commit runs while the caller's event loop goes on
 * (the commit is in a worker thread), so a server is not stalled by its database's round trips.
 * Nothing about durability changes: the caller sends nothing until the append has settled.
 */
export interface AsyncAppend {
  /** Starts appendMany(name, items, fence); errors (a fence, an outage) are thrown by settle(). */
  startAppendMany(name: string, items: readonly PendingAppend[], fence?: number): AppendInFlight
  /**
   * Starts Storage.compact(name, known): `known.state` is the caller's encoding of the document up to
   * update `upto` (with its struct count), stored as the state up to there while later rows stay in
   * the log; without it storage merges the rows. settle() gives the rows removed (0: nothing to do).
   */
  startCompact(name: string, known?: { upto: number; state: Uint8Array; structs: number }): CallInFlight<number>
}

/** A storage call started without blocking. */
export interface CallInFlight<T> {
  /** Blocks until the outcome is known; returns the value or throws as the blocking call would. The same each time. */
  settle(): T
  /** Blocks at most `ms` for the outcome; true when it is known (settle() then returns at once). */
  waitAtMost(ms: number): boolean
  /**
   * Calls `done` once, on a later turn of the event loop, when the outcome is known (or the call
   * timed out): settle() then returns at once. Never called synchronously from inside another call.
   */
  onSettled(done: () => void): void
}
