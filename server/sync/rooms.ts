// The loaded documents: loaded from storage on first connection, unloaded (after compaction)
// once the last peer has been gone for the idle delay.

import * as Y from 'yjs'
import { newYDoc } from '../../shared/ydoc.ts'
import type { Logger } from '../logger.ts'
import type { Metrics } from '../metrics.ts'
import { StorageUnavailableError, type Storage } from '../storage/types.ts'
import { STORAGE_ORIGIN } from './origins.ts'
import { Room, type RoomDeps } from './room.ts'
import type { RosterEntry } from '../../shared/roster.ts'
import { estimatedStructs, loadsOffLoop, type RoomLoader } from './room-load.ts'

/** Why a document could not be opened. */
export type OpenResult = { ok: true; room: Room } | { ok: false; reason: 'missing' | 'load-failed' | 'unavailable' }

/** The cluster runtime as the rooms see it (server/cluster/): each loaded room is linked, and unlinked when it goes. */
export interface RoomsCluster {
  /** Links a room that was just loaded; `drop` unloads it when storage fails. */
  attach(room: Room, drop: (err: unknown) => void): unknown
  /** The room is unloaded or dropped. */
  detach(room: Room): void
}

/** Options of the room registry. */
export interface RoomsOptions {
  storage: Storage
  metrics: Metrics
  log: Logger
  /** How long an empty room stays loaded, in ms. */
  idleUnloadMs: number
  /** Compact after this many appends, even under steady typing. */
  compactEvery: number
  /** Compact a non-empty log after this many ms without an append. */
  compactIdleMs: number
  /** Called for every peer of a room being dropped because storage failed (with the error, when known). */
  onDrop(room: Room, err?: unknown): void
  /** Called when a room refused an update from a connection of token `tokenId`. */
  onRefused?(tokenId: string): void
  /** The meeting's roster (presence colours). */
  roster?: readonly RosterEntry[]
  /** Several servers (server/cluster/); none: this server alone owns its documents. */
  cluster?: RoomsCluster
  /** Builds large documents off the loop (room-load.ts); none: every document is loaded on the loop. */
  loader?: RoomLoader
}

/** Every loaded document by name. */
export class Rooms {
  private readonly rooms = new Map<string, Room>()
  private readonly timers = new Map<string, NodeJS.Timeout>()

  constructor (private readonly options: RoomsOptions) {}

  /** How many documents are loaded. */
  get size(): number {
    return this.rooms.size
  }

  /**
   * The loaded room for `name`, if any (does not load). Its queued updates are appended first, so
   * a reader (REST, snapshots) sees in the Y.Doc only what is in storage.
   */
  get(name: string): Room | undefined {
    const room = this.rooms.get(name)
    if (!room) return undefined
    room.flush()
    return room.ensureLoaded() ? room : undefined
  }

  /**
   * Appends the queued updates of `name` if it is loaded, without building its Y.Doc: afterwards storage
   * holds everything the room has accepted, so a reader of storage (a worker thread) sees it all.
   */
  flush(name: string): void {
    this.rooms.get(name)?.flush()
  }

  /** Every loaded room, each flushed and built as by get(). */
  all(): Room[] {
    return [...this.rooms.keys()].map((name) => this.get(name)).filter((r): r is Room => r !== undefined)
  }

  /**
   * The room for `name`, loading it from storage when needed. A missing document and a load
   * failure are returned as values; a failed load leaves nothing in memory, so nothing is written back.
   */
  open(name: string): OpenResult {
    const existing = this.rooms.get(name)
    if (existing) {
      this.cancelUnload(name)
      return { ok: true, room: existing }
    }
    const { storage, log, loader } = this.options
    let ydoc: Y.Doc | null = null
    try {
      // A large document, or one of many structs (counted when it was compacted, else estimated from
      // its bytes), is built off the loop; the room takes peers at once and syncs them once it is built.
      // (In a cluster a room must hold the stored document at once: it may have to judge.)
      const cost = loader && !this.options.cluster ? storage.loadCost(name) : null
      if (loader && cost && loadsOffLoop(cost, loader.thresholdBytes)) {
        const bytes = cost.bytes
        if (!storage.getDoc(name)) return { ok: false, reason: 'missing' }
        const room = new Room(name, newYDoc(), new Map(), this.roomDeps(), 0)
        this.rooms.set(name, room)
        room.loadOffLoop()
        log.info({ doc: name, bytes, structs: estimatedStructs(cost) }, 'document loading off the loop')
        return { ok: true, room }
      }
      const loaded = storage.load(name)
      if (!loaded) return { ok: false, reason: 'missing' }
      const doc = newYDoc()
      ydoc = doc
      // One compacted state (every unloaded document is compacted first) is applied lazily, so the first
      // joiner is answered from its bytes at once; Room checks its structure, so a bad state fails now.
      const lazy = loaded.updates.length === 1 ? loaded.updates[0] : null
      if (!lazy) {
        doc.transact(() => {
          for (const update of loaded.updates) Y.applyUpdate(doc, update, STORAGE_ORIGIN)
        }, STORAGE_ORIGIN)
      }
      const room = new Room(name, doc, loaded.owners, this.roomDeps(), loaded.upto, lazy)
      this.rooms.set(name, room)
      this.options.cluster?.attach(room, (err) => this.drop(room, err))
      log.info({ doc: name, updates: loaded.updates.length }, 'document loaded')
      return { ok: true, room }
    } catch (err) {
      ydoc?.destroy()
      log.error({ doc: name, err: (err as Error).message }, 'document failed to load; it will not be written')
      return { ok: false, reason: err instanceof StorageUnavailableError ? 'unavailable' : 'load-failed' }
    }
  }

  private roomDeps(): RoomDeps {
    const { storage, metrics, log, compactEvery, compactIdleMs, onRefused, roster, loader } = this.options
    return {
      storage,
      metrics,
      log,
      compactEvery,
      compactIdleMs,
      onEmpty: (r) => this.scheduleUnload(r),
      onRefused,
      onBroken: (r, err) => this.drop(r, err),
      roster,
      loader
    }
  }

  private cancelUnload(name: string): void {
    const timer = this.timers.get(name)
    if (timer) clearTimeout(timer)
    this.timers.delete(name)
  }

  private scheduleUnload(room: Room): void {
    this.cancelUnload(room.name)
    const timer = setTimeout(() => {
      this.timers.delete(room.name)
      if (room.peers.size === 0 && this.rooms.get(room.name) === room) this.unload(room)
    }, this.options.idleUnloadMs)
    timer.unref()
    this.timers.set(room.name, timer)
  }

  private unload(room: Room): void {
    room.compactNow()
    this.options.cluster?.detach(room)
    this.rooms.delete(room.name)
    room.destroy()
    this.options.log.info({ doc: room.name }, 'document unloaded')
  }

  private drop(room: Room, err?: unknown): void {
    this.cancelUnload(room.name)
    if (this.rooms.get(room.name) !== room) return
    this.rooms.delete(room.name)
    this.options.cluster?.detach(room)
    this.options.onDrop(room, err)
    // Destroy after the current Yjs transaction has finished emitting.
    setImmediate(() => room.destroy())
  }

  /** Compacts and unloads every room (server shutdown). Peers must have been closed. */
  unloadAll(): void {
    for (const name of [...this.timers.keys()]) this.cancelUnload(name)
    for (const room of [...this.rooms.values()]) this.unload(room)
  }
}
