// A room's append/flush path: the updates applied in one event-loop turn are queued, appended to
// storage together, then broadcast to the other peers — never the reverse. Flushes are paced after a
// costly one (flush-pacing.ts); a replica relays what its holder stored, paced the same way.

import * as Y from 'yjs'
import { FencedError } from '../storage/types.ts'
import type { AppendInFlight, PendingAppend } from '../storage/append-types.ts'
import type { Provenance } from '../../shared/trust/index.ts'
import type { ClusterLink, Ticket } from './cluster-link.ts'
import type { Peer } from './peer.ts'
import { COMMIT_WAIT_ON_LOOP_MS, flushDelay, schedule } from './flush-pacing.ts'
import { canAppendMany, canStartAppend, syncUpdateMessage } from './room-helpers.ts'
import type { RoomCompaction } from './room-compaction.ts'
import type { Room, RoomDeps } from './room.ts'

// Up to this many updates in one turn, each sender gets the others' updates only (one merge each).
const SMALL_BATCH = 4

/** One update applied to the room's document, waiting in the queue to be appended and sent. */
export type Queued = PendingAppend & { from: Peer | undefined; provenance?: Provenance[]; receivedAt: number; ticket?: Ticket }

// Queued updates taken for one append, with what the room knew when it began.
interface Taken {
  batch: Queued[]
  prev: number
  waiting: Ticket[]
  fence: number | undefined
  started: number
}

/**
 * The queue of a room's accepted updates and their way to storage and the peers. Owns the id of
 * the newest stored update the room's document holds. Created by the room; not shared.
 */
export class RoomFlusher {
  /** The id of the newest stored update the room's Y.Doc holds (loaded or appended by it). */
  lastId: number
  // When this room last sent what it accepted or relayed, and what that flush cost in ms (flush-pacing.ts).
  private lastFlushAt = 0
  private lastFlushCost = 0
  // Updates applied in this event-loop turn, appended and broadcast together at its end (see flush).
  private queue: Queued[] = []
  private flushScheduled = false
  // An append committing off the loop (storage with AsyncAppend): nothing of it is sent until it settles.
  private inflight: (Taken & { call: AppendInFlight }) | null = null
  // Cluster mode: tickets of updates already in the document, settled once the queue ahead of them is stored.
  private waiting: Ticket[] = []
  // Cluster mode: updates from the holder applied in this turn, sent to the peers together at its end.
  private relayed: Uint8Array[] = []

  /**
   * For `room`, whose document holds the stored updates up to `upto`. Stored batches are counted
   * by `compaction`; `leaseLost` is called (with the room's link) when an append is fenced off: the
   * room stops listening to its document, tells the link and rebuilds the document from storage.
   */
  constructor (private readonly room: Room, private readonly deps: RoomDeps, upto: number, private readonly compaction: RoomCompaction, private readonly leaseLost: (link: ClusterLink) => void) {
    this.lastId = upto
  }

  /** How many updates are queued (not yet taken for an append). */
  get queued(): number {
    return this.queue.length
  }

  /** Queues an update the room's document applied; the caller then flushes or schedules a paced flush. */
  add(item: Queued): void {
    this.queue.push(item)
  }

  /** A ticket whose update is already in the document: settled now, or once the updates queued ahead of it are stored. */
  settleAfterQueue(ticket: Ticket): void {
    if (this.queue.length === 0 && !this.inflight) this.room.link?.settled([ticket])
    else this.waiting.push(ticket)
  }

  /** Schedules a paced flush: after a costly flush (many peers, a slow commit) several turns share the next (flush-pacing.ts). */
  schedulePaced(): void {
    if (this.flushScheduled) return
    this.flushScheduled = true
    schedule(flushDelay(this.lastFlushAt, this.lastFlushCost, performance.now()), () => {
      this.flushScheduled = false
      this.flushPaced()
    })
  }

  // The paced flush: with storage that commits off the loop, the append is started and, unless it
  // settles within COMMIT_WAIT_ON_LOOP_MS, the room goes on (judging what arrives meanwhile) until it
  // does; one append at a time, in order.
  private flushPaced(): void {
    if (this.inflight) return
    const storage = this.deps.storage
    if (!canStartAppend(storage) || this.queue.length === 0 || this.room.broken) return this.flush()
    const taken = this.take()
    const entry = { ...taken, call: storage.startAppendMany(this.room.name, taken.batch, taken.fence) }
    this.inflight = entry
    if (entry.call.waitAtMost(COMMIT_WAIT_ON_LOOP_MS)) return this.finish(entry)
    entry.call.onSettled(() => {
      if (this.inflight === entry) this.finish(entry)
    })
  }

  // Takes the queue (and the tickets waiting on it) for one append.
  private take(): Taken {
    const batch = this.queue
    this.queue = []
    const waiting = this.waiting
    this.waiting = []
    const link = this.room.link
    return { batch, prev: this.lastId, waiting, fence: link ? link.fence ?? -1 : undefined, started: performance.now() }
  }

  // An append started off the loop has settled (or is waited for now, blocking): sent on, or failed.
  private finish(entry: Taken & { call: AppendInFlight }): void {
    this.inflight = null
    let ids: number[]
    try {
      ids = entry.call.settle()
    } catch (err) {
      return this.appendFailed(err, entry)
    }
    if (this.room.broken) return
    this.lastId = ids.at(-1)!
    this.stored(entry)
    // Tickets that waited only for this append; otherwise what arrived meanwhile goes in the next.
    if (this.queue.length === 0 && this.waiting.length > 0) {
      const waiting = this.waiting
      this.waiting = []
      this.room.link?.settled(waiting)
    } else if (this.queue.length > 0) this.schedulePaced()
  }

  /**
   * Appends the queued updates in one transaction, then sends each to every peer but its sender:
   * nobody sees an update before it is durable. An append still committing off the loop is waited
   * for first, so afterwards storage holds everything the room accepted. On an append failure the
   * room is dropped and nothing queued is sent (the senders resend on reconnect).
   */
  flush(): void {
    if (this.inflight) this.finish(this.inflight)
    if (this.queue.length === 0) return
    const taken = this.take()
    if (this.room.broken) return
    const { storage } = this.deps
    const name = this.room.name
    try {
      if (canAppendMany(storage)) this.lastId = storage.appendMany(name, taken.batch, taken.fence).at(-1)!
      else for (const item of taken.batch) this.lastId = storage.append(name, item.update, item.attribution, taken.fence)
    } catch (err) {
      return this.appendFailed(err, taken)
    }
    this.stored(taken)
  }

  // An append failed: nothing of it is stored, so nobody may see it.
  private appendFailed(err: unknown, taken: Taken): void {
    const link = this.room.link
    if (err instanceof FencedError && link && this.lastId === taken.prev) {
      // Another server holds the lease: the document is rebuilt from storage, and what was applied
      // after this batch goes with it; the senders' servers resend to the new holder.
      this.deps.log.warn({ doc: this.room.name, fence: taken.fence }, 'lease lost: this server is no longer authoritative for the document')
      this.queue = []
      this.waiting = []
      this.leaseLost(link)
      return
    }
    // Drop this instance; the senders resend on reconnect.
    this.room.broken = true
    this.deps.log.error({ doc: this.room.name, err: (err as Error).message }, 'append failed; dropping the document from memory')
    this.deps.onBroken(this.room, err)
  }

  // The batch is stored (lastId is its last id): its provenance recorded, then sent to every peer
  // but its sender, relayed to the other servers, and compaction considered.
  private stored(taken: Taken): void {
    const { storage, metrics } = this.deps
    const { batch, prev, waiting, started } = taken
    metrics.observeAppend((performance.now() - started) / 1000, batch.length)
    const moved = batch.flatMap((i) => i.provenance ?? [])
    if (moved.length) {
      try {
        storage.recordProvenance(this.room.name, moved)
      } catch (err) {
        return this.appendFailed(err, { ...taken, prev: -1 })
      }
    }
    metrics.counters.updatesPersisted += batch.length
    this.broadcast(batch)
    this.flushed(started)
    const link = this.room.link
    if (link) {
      const update = batch.length === 1 ? batch[0].update : Y.mergeUpdates(batch.map((i) => i.update))
      link.appended(prev, this.lastId, update, [...batch.flatMap((i) => i.ticket ? [i.ticket] : []), ...waiting])
    }
    const sent = performance.now()
    for (const item of batch) if (this.room.peers.size > (item.from ? 1 : 0)) metrics.observeFanout((sent - item.receivedAt) / 1000)
    this.compaction.appended(batch.length)
  }

  // One message per peer per turn: the batch merged into one update (a socket write per delivered update
  // was the largest cost under load). A small batch is merged again without each sender's own updates;
  // a large one is merged once and sent to everyone, senders included (Yjs ignores what it has): one
  // merge per sender made a turn's cost grow with the square of its updates, so a server that fell a
  // little behind fell further behind (docs/benchmarks.md, "Trust rules: before/after").
  private broadcast(batch: { update: Uint8Array; from: Peer | undefined }[]): void {
    const merged = (items: typeof batch) => syncUpdateMessage(items.length === 1 ? items[0].update : Y.mergeUpdates(items.map((i) => i.update)))
    const senders = new Set(batch.map((i) => i.from).filter((p): p is Peer => p !== undefined))
    const excludeOwn = batch.length <= SMALL_BATCH
    let toAll: Uint8Array | null = null
    for (const p of this.room.peers.values()) {
      if (!excludeOwn || !senders.has(p)) {
        p.send(toAll ??= merged(batch))
        continue
      }
      const others = batch.filter((i) => i.from !== p)
      if (others.length > 0) p.send(merged(others))
    }
  }

  private flushed(started: number): void {
    this.lastFlushAt = performance.now()
    this.lastFlushCost = this.lastFlushAt - started
  }

  /** Cluster replica: updates the holder stored, sent to this server's peers once per turn (paced as flushes are). */
  relay(update: Uint8Array): void {
    this.relayed.push(update)
    if (this.relayed.length > 1) return
    schedule(flushDelay(this.lastFlushAt, this.lastFlushCost, performance.now()), () => {
      const updates = this.relayed
      this.relayed = []
      if (this.room.broken || updates.length === 0) return
      const started = performance.now()
      const message = syncUpdateMessage(updates.length === 1 ? updates[0] : Y.mergeUpdates(updates))
      for (const p of this.room.peers.values()) p.send(message)
      this.flushed(started)
    })
  }
}
