// Compaction of a room's stored log: every compactEvery appends, or in the first pause of
// compactIdleMs; on the loop, in storage (PostgreSQL), or in a worker for a large document.

import * as Y from 'yjs'
import type { AsyncAppend } from '../storage/append-types.ts'
import type { Storage } from '../storage/types.ts'
import { structCount, type RoomLoader } from './room-load.ts'
import { canStartAppend } from './room-helpers.ts'
import type { RoomAnswers } from './room-answers.ts'
import type { Room, RoomDeps } from './room.ts'

/** When and how a room compacts its stored log. Created by the room; not shared. */
export class RoomCompaction {
  private appendsSinceCompact = 0
  private compactScheduled = false
  private lastAppendAt = 0
  private idleTimer: ReturnType<typeof setTimeout> | null = null
  private compacting = false

  /** For `room`; `answers` tells whether its stored state is still pending and whether it is large. */
  constructor (private readonly room: Room, private readonly deps: RoomDeps, private readonly answers: RoomAnswers) {}

  /** `count` updates were just stored: compaction runs soon after compactEvery, else once appends pause. */
  appended(count: number): void {
    this.appendsSinceCompact += count
    this.lastAppendAt = performance.now()
    if (this.appendsSinceCompact >= this.deps.compactEvery) this.schedule()
    else this.armIdleCompaction()
  }

  // Compaction re-encodes the whole document (≈ 20 ms for a 60 KB text with a day's history), so
  // under steady typing it runs only every compactEvery appends; the log is otherwise compacted in
  // the first pause of compactIdleMs. One timer, re-armed from lastAppendAt rather than per append.
  private armIdleCompaction(): void {
    if (this.idleTimer) return
    const wait = Math.max(0, this.lastAppendAt + this.deps.compactIdleMs - performance.now())
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null
      if (this.room.broken || this.appendsSinceCompact === 0) return
      if (performance.now() - this.lastAppendAt >= this.deps.compactIdleMs) this.now()
      else this.armIdleCompaction()
    }, wait)
    this.idleTimer.unref()
  }

  /** Runs compaction on a later tick; updates appended meanwhile stay in the log (see Storage.compact). */
  schedule(): void {
    if (this.compactScheduled) return
    this.compactScheduled = true
    setImmediate(() => {
      this.compactScheduled = false
      this.now()
    })
  }

  /** Compacts the stored log now unless the room is broken. Errors are logged, not thrown. */
  now(): void {
    const room = this.room
    room.flush()
    // In a cluster only the holder compacts (it alone appends, so its document is exactly the log).
    if (room.broken || room.isLoading || (room.link && !room.link.authoritative)) return
    if (this.answers.large && this.deps.loader) return this.compactOffLoop(this.deps.loader)
    if (canStartAppend(this.deps.storage)) return this.compactInStorage(this.deps.storage)
    try {
      // Everything applied is appended (flushed above), so the Y.Doc is exactly the log up to lastId;
      // storage merges the rows instead if another process appended since.
      // Its struct count is stored with it: the next first load is decided by it (room-load.ts).
      const known = this.answers.pending ? undefined : { upto: room.lastUpdateId, encode: () => Y.encodeStateAsUpdate(room.ydoc), structs: structCount(room.ydoc) }
      if (this.deps.storage.compact(room.name, known) > 0) this.deps.metrics.counters.compactions++
      this.appendsSinceCompact = 0
    } catch (err) {
      this.deps.log.error({ doc: room.name, err: (err as Error).message }, 'compaction failed')
    }
  }

  // A large document: re-encoding it here would stall every other document, so a worker merges its log.
  private compactOffLoop(loader: RoomLoader): void {
    this.compactAside(() => loader.compact(this.room.name, structCount(this.room.ydoc)))
  }

  // PostgreSQL: the state is encoded here and stored while the loop goes on, so that a slow write of
  // the states table does not stall the server. Appends stored meanwhile stay in the log.
  private compactInStorage(storage: Storage & AsyncAppend): void {
    const room = this.room
    this.compactAside(() => {
      const call = storage.startCompact(room.name, this.answers.pending ? undefined : { upto: room.lastUpdateId, state: Y.encodeStateAsUpdate(room.ydoc), structs: structCount(room.ydoc) })
      return new Promise<number>((resolve, reject) => call.onSettled(() => {
        try {
          resolve(call.settle())
        } catch (err) {
          reject(err)
        }
      }))
    })
  }

  // Runs a compaction that finishes on a later turn, one at a time, when anything was appended since the last.
  private compactAside(run: () => Promise<number>): void {
    if (this.compacting || this.appendsSinceCompact === 0) return
    this.compacting = true
    this.appendsSinceCompact = 0
    new Promise<number>((resolve) => resolve(run())).then((rows) => {
      if (rows > 0) this.deps.metrics.counters.compactions++
    }, (err) => {
      this.deps.log.error({ doc: this.room.name, err: (err as Error).message }, 'compaction failed')
    }).finally(() => { this.compacting = false })
  }

  /** Stops the idle timer (the room is destroyed). */
  stop(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer)
  }
}
