// Large documents are built off the sync loop: a worker reads the stored state (checking its hash),
// merges the log into it, and cuts it into small updates (work/split-update.ts); the room applies
// them a few at a time between other work, and answers fresh joiners with the stored bytes as they are.

import * as Y from 'yjs'
import type { LoadCost } from '../storage/types.ts'

/** Stored bytes from which a document is loaded off the loop (below it, loading takes a few ms on the loop). */
export const LOAD_OFF_LOOP_BYTES = 2 * 1024 * 1024

/**
 * Structs from which a document is loaded off the loop (its first load, as estimated by
 * estimatedStructs), or rebuilt there after a refused update (counted in memory), whatever its size in
 * bytes: building costs some 3–5 µs a struct on the loop, and a text edited a few words at a time by
 * many delegations holds 140,000 of them in 2 MB (0.4 s on a quiet machine;
 * bench/resilience/refusal-reload.ts). Below it a build takes a few tens of ms at most.
 */
export const RELOAD_OFF_LOOP_STRUCTS = 10_000

/**
 * Bytes per struct assumed for stored bytes whose structs were not counted (a log, a state compacted
 * without its count): denser than the densest text measured (a text edited word by word by 40
 * clients: 2 MB for 139,000 structs, 15 bytes each), so that the estimate errs towards the worker.
 * With RELOAD_OFF_LOOP_STRUCTS it sends an uncounted document of 120 KB or more off the loop.
 */
export const BYTES_PER_STRUCT_DENSE = 12

/** The structs a stored document holds, as far as is known before decoding it: counted, plus an upper estimate for the rest. */
export function estimatedStructs(cost: LoadCost): number {
  return cost.structs + Math.ceil(cost.uncountedBytes / BYTES_PER_STRUCT_DENSE)
}

/** Whether a stored document of this cost is built off the loop by a loader of `thresholdBytes`. */
export function loadsOffLoop(cost: LoadCost, thresholdBytes: number): boolean {
  return cost.bytes >= thresholdBytes || estimatedStructs(cost) >= RELOAD_OFF_LOOP_STRUCTS
}

/** How many structs (items, deleted or not, and GC ranges) `doc` holds: read from its store, no decoding. */
export function structCount(doc: Y.Doc): number {
  let n = 0
  doc.store.clients.forEach((structs) => { n += structs.length })
  return n
}

/** Bytes of each piece a large document is applied in (about a millisecond of work each). */
export const LOAD_PIECE_BYTES = 128 * 1024

// Pieces are applied for at most this long per event-loop turn before the loop takes other work.
const STEP_MS = 4

/** A document as a worker prepared it for a room. */
export interface PreparedDoc {
  /** The id of the newest stored update it holds. */
  upto: number
  /** Yjs client ids and the identity that first wrote with each. */
  owners: Map<number, string>
  /** Its state vector. */
  vector: Uint8Array
  /** A y-websocket sync step 2 carrying the whole document: the answer to a client that holds nothing. */
  answer: Uint8Array
  /** Updates that, applied in order, build it (each depends only on earlier ones). */
  pieces: Uint8Array[]
}

/** What builds large documents off the loop and compacts them there (work/room-loader.ts). */
export interface RoomLoader {
  /** Stored bytes at or above which a document is loaded through this loader. */
  readonly thresholdBytes: number
  /** The document prepared from storage, or null when there is none by that name. Rejects when it cannot be read. */
  load(name: string): Promise<PreparedDoc | null>
  /**
   * Merges the document's stored log into one state, off the loop; resolves with the rows merged.
   * `structs`, the room's count of the document's structs, is stored with the state (its load cost).
   */
  compact(name: string, structs?: number): Promise<number>
}

// After a remote transaction Yjs deletes, in memory only, format marks that look redundant in the
// text as it stands; over a partial text (a piece) it would delete different ones than over the whole.
const keepFormatting = (tr: Y.Transaction): void => {
  (tr as unknown as { _needFormattingCleanup: boolean })._needFormattingCleanup = false
}

/**
 * Applies a stored update to `doc` with `origin` as exactly what is stored: without Yjs's clean-up
 * of formatting marks after remote transactions, so that pieces applied one by one give the
 * document the stored state is, whatever the cut.
 */
export function applyAsStored(doc: Y.Doc, update: Uint8Array, origin: unknown): void {
  doc.on('afterTransaction', keepFormatting)
  try {
    Y.applyUpdate(doc, update, origin)
  } finally {
    doc.off('afterTransaction', keepFormatting)
  }
}

/**
 * Applies `pieces` to `doc` in order with `origin`, yielding to the event loop every few ms.
 * Resolves when all are applied, or early (false) once `stop()` turns true.
 */
export async function applyInSteps(doc: Y.Doc, pieces: readonly Uint8Array[], origin: unknown, stop: () => boolean): Promise<boolean> {
  let i = 0
  while (i < pieces.length) {
    if (stop()) return false
    const t0 = performance.now()
    do applyAsStored(doc, pieces[i++], origin)
    while (i < pieces.length && performance.now() - t0 < STEP_MS)
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
  return !stop()
}
