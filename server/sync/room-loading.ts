// A room's document (re)built from storage: a large one off the loop (room-load.ts holds the
// thresholds and the loader), its peers' sync messages waiting meanwhile; any one rebuilt after a
// refused update or a lost lease.

import * as Y from 'yjs'
import { CloseCode } from '../../shared/protocol.ts'
import { FRAGMENT_NAME, newYDoc } from '../../shared/ydoc.ts'
import type { Incoming } from './messages.ts'
import { STORAGE_ORIGIN } from './origins.ts'
import type { Peer } from './peer.ts'
import { applyInSteps, RELOAD_OFF_LOOP_STRUCTS, structCount } from './room-load.ts'
import type { RoomAnswers } from './room-answers.ts'
import type { Room, RoomDeps } from './room.ts'

/**
 * Makes `doc`, built from storage up to update `upto`, the room's document, with its client
 * `owners`; `answer` is the sync step 2 of the stored state a large one was built from, else null.
 */
export type Adopt = (doc: Y.Doc, upto: number, owners: Iterable<[number, string]>, answer: Uint8Array | null) => void

/** The loading of a room's document. Created by the room; not shared. */
export class RoomLoading {
  // Set while a large document is built off the loop: sync messages wait in `deferred`, and peers that
  // joined meanwhile get the room's state vector once it is built.
  private loading: Promise<void> | null = null
  private deferred: { peer: Peer; message: Incoming }[] = []
  private unannounced = new Set<Peer>()

  /** For `room`, announcing to its peers through `answers`; `adopt` swaps in a document built here. */
  constructor (private readonly room: Room, private readonly deps: RoomDeps, private readonly answers: RoomAnswers, private readonly adopt: Adopt) {}

  /** True while a large document is being built off the loop: the room's Y.Doc is not the document yet. */
  get active(): boolean {
    return this.loading !== null
  }

  /** A peer joined while the document is built: it gets the room's state vector once it is. */
  hold(peer: Peer): void {
    this.unannounced.add(peer)
  }

  /** A sync message that arrived while the document is built: handled, in order, once it is. */
  defer(peer: Peer, message: Incoming): void {
    this.deferred.push({ peer, message })
  }

  /**
   * Builds the document from storage off the loop (a large one, see room-load.ts): a worker prepares
   * it and its pieces are applied between other work. Meanwhile sync messages wait (the connections
   * hold updates unread), so nothing is lost; on failure the peers are told and the room is dropped.
   */
  offLoop(): void {
    const loader = this.deps.loader
    if (!loader || this.loading || this.room.broken) return
    const room = this.room
    this.loading = (async () => {
      for (;;) {
        const t0 = performance.now()
        const prepared = await loader.load(room.name)
        if (room.broken) return
        if (!prepared) throw new Error('the document is gone from storage')
        const t1 = performance.now()
        const doc = newYDoc()
        doc.getXmlFragment(FRAGMENT_NAME)
        if (!await applyInSteps(doc, prepared.pieces, STORAGE_ORIGIN, () => room.broken)) return doc.destroy()
        this.deps.log.info({ doc: room.name, pieces: prepared.pieces.length, prepareMs: Math.round(t1 - t0), applyMs: Math.round(performance.now() - t1) }, 'document built off the loop')
        // Appended meanwhile (a restore stored straight to storage, a command line): prepared again.
        // (In a cluster the runtime brings replicas up to date itself.)
        if (!room.link && this.deps.storage.lastUpdateId(room.name) !== prepared.upto) {
          doc.destroy()
          continue
        }
        return this.adopt(doc, prepared.upto, prepared.owners, prepared.answer)
      }
    })().then(() => this.loaded(), (err) => this.loadFailed(err))
  }

  // Built: peers that joined meanwhile get our state vector, then the messages that waited are handled in order.
  private loaded(): void {
    this.loading = null
    const room = this.room
    if (room.broken) return
    for (const peer of this.unannounced) if (room.peers.get(peer.id) === peer) this.answers.announce(peer, room.ydoc)
    this.unannounced.clear()
    const deferred = this.deferred
    this.deferred = []
    for (const { peer, message } of deferred) {
      if (room.peers.get(peer.id) !== peer) continue
      try {
        room.receive(peer, message)
      } catch (err) {
        this.deps.log.error({ doc: room.name, peer: peer.id, err: (err as Error).stack }, 'error handling a message')
        peer.close(CloseCode.internalError, 'internal error')
      }
    }
  }

  private loadFailed(err: unknown): void {
    this.loading = null
    this.deferred = []
    this.unannounced.clear()
    const room = this.room
    if (room.broken) return
    room.broken = true
    this.deps.log.error({ doc: room.name, err: (err as Error).message }, 'document failed to load; it will not be written')
    for (const p of room.peers.values()) p.close(CloseCode.loadFailed, 'the document could not be loaded')
    this.deps.onBroken(room, err)
  }

  // Whether the document is large enough to be loaded (and reloaded, and compacted) off the loop.
  private isLarge(): boolean {
    const loader = this.deps.loader
    const bytes = (this.deps.storage as { docBytes?(name: string): number }).docBytes?.(this.room.name)
    return loader !== undefined && bytes !== undefined && bytes >= loader.thresholdBytes
  }

  /** Replaces the room's document with a fresh copy of what storage holds (the old one's listeners must be off). */
  reload(): void {
    const room = this.room
    // A large document is read again off the loop; its messages wait meanwhile. So is one of many
    // structs (a long-edited text costs the loop ~0.4 s to rebuild at 2 MB), outside a cluster (where
    // the holder must hold the document at once to judge what the other servers forward).
    if (this.isLarge() || (this.deps.loader && !room.link && structCount(room.ydoc) >= RELOAD_OFF_LOOP_STRUCTS)) return this.offLoop()
    try {
      const loaded = this.deps.storage.load(room.name)
      if (!loaded) throw new Error('the document is gone from storage')
      const doc = newYDoc()
      doc.getXmlFragment(FRAGMENT_NAME)
      doc.transact(() => {
        for (const u of loaded.updates) Y.applyUpdate(doc, u, STORAGE_ORIGIN)
      }, STORAGE_ORIGIN)
      this.adopt(doc, loaded.upto, loaded.owners, null)
    } catch (err) {
      room.broken = true
      this.deps.log.error({ doc: room.name, err: (err as Error).message }, 'reloading after a refused update failed; dropping the document')
      this.deps.onBroken(room)
    }
  }
}
