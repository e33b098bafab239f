// A room: one loaded document, its awareness and its peers. Every accepted update is appended to
// storage in the Y.Doc's update handler, then broadcast to the other peers — never the reverse.
// Its parts: the append/flush path (room-flush.ts), compaction (room-compaction.ts), sync answers
// and the pending stored state (room-answers.ts), (re)loading (room-loading.ts), and the admission
// and judging of client updates (room-gate.ts).

import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import type { Logger } from '../logger.ts'
import type { Metrics } from '../metrics.ts'
import type { Attribution, Storage } from '../storage/types.ts'
import { encodeDeletions } from '../storage/deletions.ts'
import type { Incoming } from './messages.ts'
import { CLUSTER_ORIGIN, isOrigin, SERVER_ACTOR, STORAGE_ORIGIN, type LocalOrigin, type OnBehalfOf } from './origins.ts'
import type { ClusterLink, Ticket } from './cluster-link.ts'
import type { Peer } from './peer.ts'
import { FRAGMENT_NAME } from '../../shared/ydoc.ts'
import { Authors } from './authors.ts'
import { receiveAwareness } from './awareness-guard.ts'
import type { RosterEntry } from '../../shared/roster.ts'
import type { RoomLoader } from './room-load.ts'
import { awarenessMessage, newClientsOf } from './room-helpers.ts'
import { RoomAnswers } from './room-answers.ts'
import { RoomCompaction } from './room-compaction.ts'
import { RoomFlusher } from './room-flush.ts'
import { UpdateGate } from './room-gate.ts'
import { RoomLoading } from './room-loading.ts'

/** Encodes a y-websocket sync-update message (room-helpers.ts; still importable from here). */
export { syncUpdateMessage } from './room-helpers.ts'

/** What a room needs from the server around it. */
export interface RoomDeps {
  storage: Storage
  metrics: Metrics
  log: Logger
  /** Compact the stored log after this many appends, even while clients keep typing. */
  compactEvery: number
  /** Compact a non-empty log once no update has been appended for this long (ms). */
  compactIdleMs: number
  /** Called when the last peer leaves. */
  onEmpty(room: Room): void
  /** Called when an append failed (with its error): the room must be dropped and reloaded from storage. */
  onBroken(room: Room, err?: unknown): void
  /** Builds large documents off the loop (room-load.ts); none: every document is loaded on the loop. */
  loader?: RoomLoader
  /** Called when an update from a connection of token `tokenId` was refused (the hub limits how often). */
  onRefused?(tokenId: string): void
  /** The meeting's roster: presence colours (awareness-guard.ts). DEFAULT_ROSTER when not given. */
  roster?: readonly RosterEntry[]
}

/** A loaded document with its peers. Create through Rooms, which loads it from storage. */
export class Room {
  readonly awareness: awarenessProtocol.Awareness
  readonly peers = new Map<number, Peer>()
  /** Set once an append failed: nothing more is written or broadcast from this instance. */
  broken = false
  /** The cluster runtime's link (several servers); null for the embedded server. Set once, right after construction. */
  link: ClusterLink | null = null
  // When the client update being received reached the room (performance.now()): fan-out latency starts here.
  private receivedAt = 0

  // The document; replaced by a fresh copy from storage when a refused update has to be undone.
  private doc: Y.Doc
  // Whose words each item holds (owners, and the provenance of words a bracket moved).
  private readonly authors: Authors
  // The pending stored state and the cached answers to fresh joiners.
  private readonly answers: RoomAnswers
  private readonly compaction: RoomCompaction
  // The queue of accepted updates, appended then sent; holds the id of the newest stored update.
  private readonly flusher: RoomFlusher
  private readonly loading: RoomLoading
  private readonly gate: UpdateGate

  /** The room's live Y.Doc: exactly what is stored, plus the updates of this turn being appended. */
  get ydoc(): Y.Doc {
    return this.doc
  }

  /**
   * `owners` maps Yjs client IDs to the identity that first wrote with them; `upto` is the id of the
   * newest stored update the document was loaded with. With `storedState`, the Y.Doc starts empty
   * and that state is applied on first need (see ensureLoaded).
   */
  constructor (readonly name: string, ydoc: Y.Doc, private readonly owners: Map<number, string>, private readonly deps: RoomDeps, upto: number, storedState: Uint8Array | null = null) {
    this.doc = ydoc
    this.authors = new Authors(owners, deps.storage.provenance(name))
    // Made now, so that updates land in a Y.XmlFragment and not in a generic type Yjs would swap out later.
    ydoc.getXmlFragment(FRAGMENT_NAME)
    this.answers = new RoomAnswers(storedState)
    this.compaction = new RoomCompaction(this, deps, this.answers)
    this.flusher = new RoomFlusher(this, deps, upto, this.compaction, (link) => this.leaseLost(link))
    this.loading = new RoomLoading(this, deps, this.answers, (doc, at, docOwners, answer) => this.adopt(doc, at, docOwners, answer))
    this.gate = new UpdateGate(this, deps, owners, this.authors, () => this.undo())
    this.awareness = new awarenessProtocol.Awareness(ydoc)
    // The server has no presence of its own.
    this.awareness.setLocalState(null)
    ydoc.on('update', this.onUpdate)
    ydoc.on('beforeObserverCalls', this.onTransaction)
    this.awareness.on('update', this.onAwareness)
  }

  /** Adds a peer and starts the sync: our state vector (so it sends what we lack) and everyone's presence. */
  join(peer: Peer): void {
    this.flush()
    this.peers.set(peer.id, peer)
    if (this.loading.active) this.loading.hold(peer)
    else this.answers.announce(peer, this.ydoc)
    const present = [...this.awareness.getStates().keys()]
    if (present.length > 0) peer.send(awarenessMessage(this.awareness, present))
  }

  /** Removes a peer and its presence; tells Rooms when the room is empty. */
  leave(peer: Peer): void {
    if (!this.peers.delete(peer.id)) return
    if (peer.awarenessClients.size > 0) awarenessProtocol.removeAwarenessStates(this.awareness, [...peer.awarenessClients], null)
    if (this.peers.size === 0) this.deps.onEmpty(this)
  }

  /** Handles one well-formed message from `peer`; refusals close the peer or answer it, never throw. */
  receive(peer: Peer, message: Incoming): void {
    if (this.loading.active && (message.type === 'sync-step1' || message.type === 'sync-update')) {
      this.loading.defer(peer, message)
      return
    }
    switch (message.type) {
      case 'sync-step1':
        // The state we send must not hold anything that is not on disk yet.
        this.flush()
        this.answers.answer(peer, message.stateVector, this.ydoc, () => this.ensureLoaded())
        return
      case 'sync-update':
        // In a cluster the holder judges it (maybe this server): replicas never apply a client's update.
        if (this.link) this.link.submit(peer, message.update)
        else this.applyClient(peer, message.update)
        return
      case 'awareness':
        // Bound to the connection's identity, size- and rate-limited (awareness-guard.ts).
        receiveAwareness(this, peer, message.update, this.deps)
        return
      case 'query-awareness':
        peer.send(awarenessMessage(this.awareness, [...this.awareness.getStates().keys()]))
    }
  }

  /** Applies an update the server makes on someone's behalf (a restore): stored, attributed to `by`, sent to every peer. */
  applyLocal(update: Uint8Array, by: OnBehalfOf): void {
    if (this.link) return this.link.submitLocal(update, by)
    this.applyLocalNow(update, by)
  }

  /**
   * Applies a server-made change here (the embedded server, or the cluster's holder), stored before
   * it returns. A ticket is settled once it is stored.
   */
  applyLocalNow(update: Uint8Array, by: OnBehalfOf, ticket?: Ticket): void {
    if (!this.ensureLoaded()) throw new Error(`document ${this.name} could not be loaded`)
    const origin: LocalOrigin = { kind: 'local', by }
    this.localTicket = ticket
    try {
      Y.applyUpdate(this.ydoc, update, origin)
    } finally {
      this.localTicket = undefined
    }
    if (ticket) this.flusher.settleAfterQueue(ticket)
  }

  private localTicket: Ticket | undefined

  /** The id of the newest stored update this room's document holds. */
  get lastUpdateId(): number {
    return this.flusher.lastId
  }

  /**
   * Cluster replica: applies updates `prev`+1…`upto` that the holder stored (merged as `update`) and
   * sends them to this server's peers. Returns false, changing nothing, when `prev` is not the last
   * update this room holds (a message was missed: the caller resyncs from storage); true when applied
   * or already held.
   */
  applyAccepted(prev: number, upto: number, update: Uint8Array): boolean {
    if (upto <= this.flusher.lastId) return true
    if (prev !== this.flusher.lastId) return false
    if (!this.ensureLoaded()) return true
    Y.applyUpdate(this.ydoc, update, CLUSTER_ORIGIN)
    this.flusher.lastId = upto
    return true
  }

  /**
   * Cluster: brings the document up to what storage holds (a missed message, Redis back, or this
   * server taking the lease), sends what was new to the peers, and reloads client owners and
   * provenance for judging. Throws when storage cannot be read.
   */
  resync(): void {
    if (!this.ensureLoaded()) return
    this.flush()
    if (this.broken) return
    const loaded = this.deps.storage.load(this.name)
    if (!loaded) throw new Error(`document ${this.name} is gone from storage`)
    Y.transact(this.ydoc, () => {
      for (const u of loaded.updates) Y.applyUpdate(this.ydoc, u, CLUSTER_ORIGIN)
    }, CLUSTER_ORIGIN)
    this.flusher.lastId = loaded.upto
    this.owners.clear()
    for (const [c, who] of loaded.owners) this.owners.set(c, who)
    this.authors.clear()
    for (const p of this.deps.storage.provenance(this.name)) this.authors.add(p)
  }

  /** True while a large document is being built off the loop: its Y.Doc is not the document yet. */
  get isLoading(): boolean {
    return this.loading.active
  }

  /**
   * Builds the document from storage off the loop (a large one, see room-load.ts): a worker prepares
   * it and its pieces are applied between other work. Meanwhile sync messages wait (the connections
   * hold updates unread), so nothing is lost; on failure the peers are told and the room is dropped.
   */
  loadOffLoop(): void {
    this.loading.offLoop()
  }

  // Makes `doc`, built from storage up to update `upto`, the room's document: the old one's listeners
  // off (nothing else refers to it; not destroyed, awareness listens for its destroy event), owners and
  // provenance read again, every cached answer dropped. `answer` is the sync step 2 of the stored state
  // it was built from (a large document, answered from it: see RoomAnswers), else null.
  private adopt(doc: Y.Doc, upto: number, owners: Iterable<[number, string]>, answer: Uint8Array | null): void {
    this.doc.off('update', this.onUpdate)
    this.doc.off('beforeObserverCalls', this.onTransaction)
    this.doc = doc
    this.flusher.lastId = upto
    this.owners.clear()
    for (const [c, who] of owners) this.owners.set(c, who)
    this.authors.clear()
    for (const p of this.deps.storage.provenance(this.name)) this.authors.add(p)
    this.answers.reset(answer)
    doc.on('update', this.onUpdate)
    doc.on('beforeObserverCalls', this.onTransaction)
  }

  /**
   * Applies the stored state if it is still pending; true when the Y.Doc holds the document (false
   * while a large one is built off the loop). A state that fails to apply breaks the room (dropped,
   * never written back), and false is returned.
   */
  ensureLoaded(): boolean {
    if (this.loading.active) return false
    const state = this.answers.take()
    if (!state) return !this.broken
    try {
      Y.applyUpdate(this.ydoc, state, STORAGE_ORIGIN)
      return true
    } catch (err) {
      this.broken = true
      this.deps.log.error({ doc: this.name, err: (err as Error).message }, 'stored state failed to apply; dropping the document')
      this.deps.onBroken(this)
      return false
    }
  }

  /**
   * Admits, judges and applies a client's update (the embedded server, or the cluster's holder for a
   * peer of any server: `ticket` names it, settled once stored or refused). A refusal is recorded and
   * told to the peer, never thrown. With `earlierPending` (the sender's server still waits for older
   * updates of this document), an update that refers to what the server does not have yet is left
   * unsettled instead of refused: its server sends it again after the older ones.
   */
  applyClient(peer: Peer, update: Uint8Array, ticket?: Ticket, earlierPending = false): void {
    this.receivedAt = performance.now()
    if (!this.ensureLoaded()) return
    const queued = this.flusher.queued
    const later = this.gate.admitAndApply(peer, update, ticket, earlierPending) === 'later'
    if (later) return
    // Refused, or nothing new: done with it (nothing of it is queued).
    if (ticket && this.flusher.queued === queued) this.flusher.settleAfterQueue(ticket)
  }

  // Judges a client's transaction before anything else sees it (Yjs emits this first, with the
  // delete set sorted); onUpdate then neither stores nor sends a refused one.
  private readonly onTransaction = (tr: Y.Transaction): void => {
    this.gate.judge(tr)
  }

  // Yjs cannot take structs back out of a document: after a refused transaction the room's
  // document is rebuilt from storage, which never held it. Updates accepted earlier in this turn
  // are appended first, so nothing accepted is lost.
  private undo(): void {
    const old = this.doc
    old.off('update', this.onUpdate)
    old.off('beforeObserverCalls', this.onTransaction)
    this.flush()
    if (this.broken) return
    this.loading.reload()
  }

  // An append was fenced off: another server holds the lease. The document stops being listened to,
  // the link is told, and the document is rebuilt from storage.
  private leaseLost(link: ClusterLink): void {
    this.doc.off('update', this.onUpdate)
    this.doc.off('beforeObserverCalls', this.onTransaction)
    link.fenced()
    this.loading.reload()
  }

  private readonly onUpdate = (update: Uint8Array, origin: unknown, _doc: Y.Doc, tr: Y.Transaction): void => {
    this.answers.updated(update)
    if (!isOrigin(origin) || origin.kind === 'storage' || this.broken) return
    if (origin.kind === 'cluster') return this.flusher.relay(update)
    const judging = this.gate.judging
    if (judging?.verdict) return
    const peer = origin.kind === 'connection' ? judging?.peer ?? this.peers.get(origin.connId) : undefined
    // From the transaction the update was encoded from, rather than decoding the update again.
    const clientIds = newClientsOf(tr)
    const attribution: Attribution = peer
      ? { tokenId: peer.principal.tokenId, role: peer.principal.role, delegation: peer.principal.delegation, identity: peer.identity, clientIds }
      : origin.kind === 'local' && origin.by
        ? { ...origin.by, clientIds }
        : { ...SERVER_ACTOR, clientIds }
    // Owners at once, so a later update in the same turn is checked against this one; if the append
    // fails the room is dropped with its owners and reloaded from storage.
    for (const c of clientIds) if (!this.owners.has(c)) this.owners.set(c, attribution.identity)
    const provenance = judging?.provenance ?? []
    for (const p of provenance) this.authors.add(p)
    const receivedAt = origin.kind === 'connection' ? this.receivedAt : performance.now()
    const ticket = origin.kind === 'local' ? this.localTicket : judging?.ticket
    this.flusher.add({ update, attribution, deletions: encodeDeletions(tr.deleteSet), from: peer, provenance, receivedAt, ticket })
    // A server-made change (a restore) is on disk before its caller goes on; client updates are
    // group-committed: every update read in one event-loop turn shares one transaction (one fsync).
    if (origin.kind === 'local') this.flush()
    else this.flusher.schedulePaced()
  }

  /**
   * Appends the queued updates in one transaction, then sends each to every peer but its sender:
   * nobody sees an update before it is durable. An append still committing off the loop is waited
   * for first, so afterwards storage holds everything the room accepted. On an append failure the
   * room is dropped and nothing queued is sent (the senders resend on reconnect).
   */
  flush(): void {
    this.flusher.flush()
  }

  private readonly onAwareness = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown): void => {
    const peer = origin as Peer | null
    if (peer && this.peers.get(peer.id) === peer) {
      for (const c of added) peer.awarenessClients.add(c)
      for (const c of updated) peer.awarenessClients.add(c)
      for (const c of removed) peer.awarenessClients.delete(c)
    }
    const changed = [...added, ...updated, ...removed]
    if (changed.length === 0) return
    const message = awarenessMessage(this.awareness, changed)
    for (const p of this.peers.values()) p.send(message)
    // Presence of this server's peers (guarded on arrival) goes to the other servers' peers.
    if (this.link && origin !== CLUSTER_ORIGIN) this.link.awareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed))
  }

  /** Runs compaction on a later tick; updates appended meanwhile stay in the log (see Storage.compact). */
  scheduleCompaction(): void {
    this.compaction.schedule()
  }

  /** Compacts the stored log now unless the room is broken. Errors are logged, not thrown. */
  compactNow(): void {
    this.compaction.now()
  }

  /** Stops listening and frees the Y.Doc. Peers must have been closed. */
  destroy(): void {
    this.broken = true
    this.compaction.stop()
    this.ydoc.off('update', this.onUpdate)
    this.ydoc.off('beforeObserverCalls', this.onTransaction)
    this.awareness.off('update', this.onAwareness)
    this.awareness.destroy()
    this.ydoc.destroy()
  }
}
