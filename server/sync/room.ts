// A room: one loaded document, its awareness and its peers. Every accepted update is appended to
// storage in the Y.Doc's update handler, then broadcast to the other peers — never the reverse.

import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as authProtocol from 'y-protocols/auth'
import { CloseCode, MessageType, canEdit } from '../../shared/protocol.ts'
import type { Logger } from '../logger.ts'
import type { Metrics } from '../metrics.ts'
import { FencedError, type Attribution, type Storage } from '../storage/types.ts'
import type { AppendInFlight, AsyncAppend, BatchAppend, PendingAppend } from '../storage/sqlite.ts'
import { encodeDeletions } from '../storage/deletions.ts'
import type { Incoming } from './messages.ts'
import { CLUSTER_ORIGIN, isOrigin, SERVER_ACTOR, STORAGE_ORIGIN, type ConnectionOrigin, type LocalOrigin, type OnBehalfOf } from './origins.ts'
import type { ClusterLink, Ticket } from './cluster-link.ts'
import type { Peer } from './peer.ts'
import { admitUpdate } from './admission.ts'
import { judgeTransaction } from './judge.ts'
import { DEFAULT_ROSTER } from '../../shared/roster.ts'
import { FRAGMENT_NAME, newYDoc } from '../../shared/ydoc.ts'
import type { Provenance, Sender, Violation } from '../../shared/trust/index.ts'
import { Authors } from './authors.ts'
import { receiveAwareness } from './awareness-guard.ts'
import type { RosterEntry } from '../../shared/roster.ts'
import { COMMIT_WAIT_ON_LOOP_MS, flushDelay, schedule } from './flush-pacing.ts'
import { applyInSteps, RELOAD_OFF_LOOP_STRUCTS, structCount, type RoomLoader } from './room-load.ts'

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

// Up to this many updates in one turn, each sender gets the others' updates only (one merge each).
const SMALL_BATCH = 4

// A fresh joiner's shared answer is encoded again once the updates applied since it reach this share
// of its bytes (merging them for each joiner then costs about what encoding the document does).
const FRESH_TAIL_SHARE = 0.25

/** Encodes a y-websocket sync-update message. */
export function syncUpdateMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.sync)
  syncProtocol.writeUpdate(encoder, update)
  return encoding.toUint8Array(encoder)
}

function awarenessMessage(awareness: awarenessProtocol.Awareness, clients: number[]): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.awareness)
  encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, clients))
  return encoding.toUint8Array(encoder)
}

// The clients a transaction added structs for, in ascending order (as updateClients gives them).
function newClientsOf(tr: Y.Transaction): number[] {
  const out: number[] = []
  tr.afterState.forEach((clock, client) => {
    if (clock > (tr.beforeState.get(client) ?? 0)) out.push(client)
  })
  return out.sort((a, b) => a - b)
}

function canAppendMany(storage: Storage): storage is Storage & BatchAppend {
  return typeof (storage as Partial<BatchAppend>).appendMany === 'function'
}

function canStartAppend(storage: Storage): storage is Storage & AsyncAppend {
  return typeof (storage as Partial<AsyncAppend>).startAppendMany === 'function'
}

// Queued updates taken for one append, with what the room knew when it began.
interface Taken {
  batch: (PendingAppend & { from: Peer | undefined; provenance?: Provenance[]; receivedAt: number; ticket?: Ticket })[]
  prev: number
  waiting: Ticket[]
  fence: number | undefined
  started: number
}

/** A loaded document with its peers. Create through Rooms, which loads it from storage. */
export class Room {
  readonly awareness: awarenessProtocol.Awareness
  readonly peers = new Map<number, Peer>()
  /** Set once an append failed: nothing more is written or broadcast from this instance. */
  broken = false
  private appendsSinceCompact = 0
  private compactScheduled = false
  private lastAppendAt = 0
  // When this room last sent what it accepted or relayed, and what that flush cost in ms (flush-pacing.ts).
  private lastFlushAt = 0
  private lastFlushCost = 0
  // The id of the newest stored update this room's Y.Doc holds (loaded or appended by it).
  private lastId: number
  private idleTimer: ReturnType<typeof setTimeout> | null = null
  // Updates applied in this event-loop turn, appended and broadcast together at its end (see flush).
  private queue: Taken['batch'] = []
  private flushScheduled = false
  // An append committing off the loop (storage with AsyncAppend): nothing of it is sent until it settles.
  private inflight: (Taken & { call: AppendInFlight }) | null = null
  // Cluster mode: tickets of updates already in the document, settled once the queue ahead of them is stored.
  private waiting: Ticket[] = []
  // Cluster mode: updates from the holder applied in this turn, sent to the peers together at its end.
  private relayed: Uint8Array[] = []
  /** The cluster runtime's link (several servers); null for the embedded server. Set once, right after construction. */
  link: ClusterLink | null = null
  // When the client update being received reached the room (performance.now()): fan-out latency starts here.
  private receivedAt = 0

  // The stored state not yet applied to ydoc (a room opened from one compacted state): the first
  // joiner is answered straight from these bytes, and the Y.Doc is built on the next turn.
  private pendingState: Uint8Array | null
  private pendingVector: Uint8Array | null
  // The sync step 2 for a client with an empty state, shared by every fresh joiner, and the updates
  // applied since it was encoded (sent after it, merged): a reconnect storm under typing encodes the
  // whole document once, not once per joiner. Dropped when those reach FRESH_TAIL_SHARE of its bytes.
  private freshAnswer: { answer: Uint8Array; since: Uint8Array[]; sinceBytes: number } | null = null
  // A large document (loaded off the loop): the sync step 2 of the state it was loaded from, and the
  // updates applied since; a fresh joiner gets both instead of an encoding of the whole document.
  private base: { answer: Uint8Array; since: Uint8Array[] } | null = null
  // Set while a large document is built off the loop: sync messages wait in `deferred`, and peers that
  // joined meanwhile get the room's state vector once it is built.
  private loading: Promise<void> | null = null
  private deferred: { peer: Peer; message: Incoming }[] = []
  private unannounced = new Set<Peer>()
  private compacting = false
  // The document; replaced by a fresh copy from storage when a refused update has to be undone.
  private doc: Y.Doc
  // The client update being applied, and the verdict on it once its transaction ends (see onTransaction).
  private judging: { sender: Sender; verdict: Violation | null; provenance: Provenance[]; peer: Peer; ticket?: Ticket } | null = null
  // Whose words each item holds (owners, and the provenance of words a bracket moved).
  private readonly authors: Authors

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
    this.lastId = upto
    this.pendingState = storedState
    // Decoding the state vector also checks the state's structure: a bad state throws here, before the room exists.
    this.pendingVector = storedState ? Y.encodeStateVectorFromUpdate(storedState) : null
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
    if (this.loading) this.unannounced.add(peer)
    else this.announce(peer)
    const present = [...this.awareness.getStates().keys()]
    if (present.length > 0) peer.send(awarenessMessage(this.awareness, present))
  }

  // Sync step 1: our state vector, so that the peer sends what we lack.
  private announce(peer: Peer): void {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.sync)
    if (this.pendingState) {
      encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep1)
      encoding.writeVarUint8Array(encoder, this.pendingVector!)
    } else {
      syncProtocol.writeSyncStep1(encoder, this.ydoc)
    }
    peer.send(encoding.toUint8Array(encoder))
  }

  /** Removes a peer and its presence; tells Rooms when the room is empty. */
  leave(peer: Peer): void {
    if (!this.peers.delete(peer.id)) return
    if (peer.awarenessClients.size > 0) awarenessProtocol.removeAwarenessStates(this.awareness, [...peer.awarenessClients], null)
    if (this.peers.size === 0) this.deps.onEmpty(this)
  }

  /** Handles one well-formed message from `peer`; refusals close the peer or answer it, never throw. */
  receive(peer: Peer, message: Incoming): void {
    if (this.loading && (message.type === 'sync-step1' || message.type === 'sync-update')) {
      this.deferred.push({ peer, message })
      return
    }
    switch (message.type) {
      case 'sync-step1': {
        // The state we send must not hold anything that is not on disk yet.
        this.flush()
        const fresh = message.stateVector.length === 1 && message.stateVector[0] === 0
        if (fresh && this.freshAnswer) return this.answerWithTail(peer, this.freshAnswer)
        if (fresh && this.base) return this.answerWithTail(peer, this.base)
        const encoder = encoding.createEncoder()
        encoding.writeVarUint(encoder, MessageType.sync)
        if (this.pendingState) {
          // Not built yet: the answer is computed from the stored bytes, as the built doc would give it.
          encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2)
          // A fresh joiner gets the stored bytes as they are (a diff against nothing re-encodes them all).
          encoding.writeVarUint8Array(encoder, fresh ? this.pendingState : Y.diffUpdate(this.pendingState, message.stateVector))
          // Build the Y.Doc once this answer is on its way (not before: the joiner is waiting for it).
          setImmediate(() => this.ensureLoaded())
        } else {
          syncProtocol.writeSyncStep2(encoder, this.ydoc, message.stateVector)
        }
        const answer = encoding.toUint8Array(encoder)
        // Clients that arrive with nothing (every fresh tab) share one encoded answer, then what changed since.
        if (fresh) this.freshAnswer = { answer, since: [], sinceBytes: 0 }
        peer.send(answer)
        return
      }
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
    if (ticket) this.settleAfterQueue(ticket)
  }

  private localTicket: Ticket | undefined

  /** The id of the newest stored update this room's document holds. */
  get lastUpdateId(): number {
    return this.lastId
  }

  /**
   * Cluster replica: applies updates `prev`+1…`upto` that the holder stored (merged as `update`) and
   * sends them to this server's peers. Returns false, changing nothing, when `prev` is not the last
   * update this room holds (a message was missed: the caller resyncs from storage); true when applied
   * or already held.
   */
  applyAccepted(prev: number, upto: number, update: Uint8Array): boolean {
    if (upto <= this.lastId) return true
    if (prev !== this.lastId) return false
    if (!this.ensureLoaded()) return true
    Y.applyUpdate(this.ydoc, update, CLUSTER_ORIGIN)
    this.lastId = upto
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
    this.lastId = loaded.upto
    this.owners.clear()
    for (const [c, who] of loaded.owners) this.owners.set(c, who)
    this.authors.clear()
    for (const p of this.deps.storage.provenance(this.name)) this.authors.add(p)
  }

  // A ticket whose update is already in the document: settled now, or once the updates queued ahead of it are stored.
  private settleAfterQueue(ticket: Ticket): void {
    if (this.queue.length === 0 && !this.inflight) this.link?.settled([ticket])
    else this.waiting.push(ticket)
  }

  /** True while a large document is being built off the loop: its Y.Doc is not the document yet. */
  get isLoading(): boolean {
    return this.loading !== null
  }

  /**
   * Builds the document from storage off the loop (a large one, see room-load.ts): a worker prepares
   * it and its pieces are applied between other work. Meanwhile sync messages wait (the connections
   * hold updates unread), so nothing is lost; on failure the peers are told and the room is dropped.
   */
  loadOffLoop(): void {
    const loader = this.deps.loader
    if (!loader || this.loading || this.broken) return
    this.loading = (async () => {
      for (;;) {
        const t0 = performance.now()
        const prepared = await loader.load(this.name)
        if (this.broken) return
        if (!prepared) throw new Error('the document is gone from storage')
        const t1 = performance.now()
        const doc = newYDoc()
        doc.getXmlFragment(FRAGMENT_NAME)
        if (!await applyInSteps(doc, prepared.pieces, STORAGE_ORIGIN, () => this.broken)) return doc.destroy()
        this.deps.log.info({ doc: this.name, pieces: prepared.pieces.length, prepareMs: Math.round(t1 - t0), applyMs: Math.round(performance.now() - t1) }, 'document built off the loop')
        // Appended meanwhile (a restore stored straight to storage, a command line): prepared again.
        // (In a cluster the runtime brings replicas up to date itself.)
        if (!this.link && this.deps.storage.lastUpdateId(this.name) !== prepared.upto) {
          doc.destroy()
          continue
        }
        return this.adopt(doc, prepared.upto, prepared.owners, prepared.answer)
      }
    })().then(() => this.loaded(), (err) => this.loadFailed(err))
  }

  // Makes `doc`, built from storage up to update `upto`, the room's document: the old one's listeners
  // off (nothing else refers to it; not destroyed, awareness listens for its destroy event), owners and
  // provenance read again, every cached answer dropped. `answer` is the sync step 2 of the stored state
  // it was built from (a large document, answered from it: see answerWithTail), else null.
  private adopt(doc: Y.Doc, upto: number, owners: Iterable<[number, string]>, answer: Uint8Array | null): void {
    this.doc.off('update', this.onUpdate)
    this.doc.off('beforeObserverCalls', this.onTransaction)
    this.doc = doc
    this.lastId = upto
    this.owners.clear()
    for (const [c, who] of owners) this.owners.set(c, who)
    this.authors.clear()
    for (const p of this.deps.storage.provenance(this.name)) this.authors.add(p)
    this.pendingState = this.pendingVector = this.freshAnswer = null
    this.base = answer ? { answer, since: [] } : null
    doc.on('update', this.onUpdate)
    doc.on('beforeObserverCalls', this.onTransaction)
  }

  // Built: peers that joined meanwhile get our state vector, then the messages that waited are handled in order.
  private loaded(): void {
    this.loading = null
    if (this.broken) return
    for (const peer of this.unannounced) if (this.peers.get(peer.id) === peer) this.announce(peer)
    this.unannounced.clear()
    const deferred = this.deferred
    this.deferred = []
    for (const { peer, message } of deferred) {
      if (this.peers.get(peer.id) !== peer) continue
      try {
        this.receive(peer, message)
      } catch (err) {
        this.deps.log.error({ doc: this.name, peer: peer.id, err: (err as Error).stack }, 'error handling a message')
        peer.close(CloseCode.internalError, 'internal error')
      }
    }
  }

  private loadFailed(err: unknown): void {
    this.loading = null
    this.deferred = []
    this.unannounced.clear()
    if (this.broken) return
    this.broken = true
    this.deps.log.error({ doc: this.name, err: (err as Error).message }, 'document failed to load; it will not be written')
    for (const p of this.peers.values()) p.close(CloseCode.loadFailed, 'the document could not be loaded')
    this.deps.onBroken(this, err)
  }

  // A fresh joiner: a shared answer (the stored state a large document was loaded from, or the last
  // encoding of the whole document), as it is, then what changed since, merged once for every joiner.
  private answerWithTail(peer: Peer, base: { answer: Uint8Array; since: Uint8Array[] }): void {
    peer.send(base.answer)
    if (base.since.length > 1) base.since = [Y.mergeUpdates(base.since)]
    if (base.since.length === 1) peer.send(syncUpdateMessage(base.since[0]))
  }

  // Whether the document is large enough to be loaded (and reloaded, and compacted) off the loop.
  private isLarge(): boolean {
    const loader = this.deps.loader
    const bytes = (this.deps.storage as { docBytes?(name: string): number }).docBytes?.(this.name)
    return loader !== undefined && bytes !== undefined && bytes >= loader.thresholdBytes
  }

  /**
   * Applies the stored state if it is still pending; true when the Y.Doc holds the document (false
   * while a large one is built off the loop). A state that fails to apply breaks the room (dropped,
   * never written back), and false is returned.
   */
  ensureLoaded(): boolean {
    if (this.loading) return false
    const state = this.pendingState
    if (!state) return !this.broken
    this.pendingState = null
    this.pendingVector = null
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
    const queued = this.queue.length
    const later = this.admitAndApply(peer, update, ticket, earlierPending) === 'later'
    if (later) return
    // Refused, or nothing new: done with it (nothing of it is queued).
    if (ticket && this.queue.length === queued) this.settleAfterQueue(ticket)
  }

  private admitAndApply(peer: Peer, update: Uint8Array, ticket: Ticket | undefined, earlierPending: boolean): 'later' | undefined {
    let admission
    try {
      admission = admitUpdate(update, this.ydoc)
    } catch (err) {
      this.deps.log.warn({ doc: this.name, peer: peer.id, err: (err as Error).message }, 'undecodable update')
      this.record(peer, { rule: 'undecodable', reason: 'The change could not be read' }, update.byteLength)
      peer.close(CloseCode.protocolError, 'undecodable update')
      return
    }
    // Arrived before an older update it builds on (forwarded in a cluster): not yet, rather than nothing new.
    if (admission.refusal?.rule === 'incomplete-update' && earlierPending) return 'later'
    if (!admission.changes) return
    if (!canEdit(peer.principal.role)) {
      this.record(peer, { rule: 'read-only', reason: 'Observers cannot change the document' }, update.byteLength)
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, MessageType.auth)
      authProtocol.writePermissionDenied(encoder, 'observers cannot change the document')
      peer.send(encoding.toUint8Array(encoder))
      return
    }
    const forged = admission.newClients.find((c) => {
      const owner = this.owners.get(c)
      return owner !== undefined && owner !== peer.identity
    })
    if (forged !== undefined) {
      this.record(peer, { rule: 'forged-client', reason: 'The change was written under another delegation\'s client id' }, update.byteLength)
      this.deps.log.warn({ doc: this.name, peer: peer.id, client: forged, owner: this.owners.get(forged), identity: peer.identity }, 'forged client id')
      peer.close(CloseCode.policyViolation, `client id ${forged} belongs to someone else`)
      return
    }
    if (admission.refusal) {
      this.refuse(peer, admission.refusal, update.byteLength)
      return
    }
    const origin: ConnectionOrigin = { kind: 'connection', connId: peer.id }
    const judging = { sender: { role: peer.principal.role, delegation: peer.principal.delegation, identity: peer.identity }, verdict: null as Violation | null, provenance: [] as Provenance[], peer, ticket }
    this.judging = judging
    try {
      Y.applyUpdate(this.ydoc, update, origin)
    } catch (err) {
      this.deps.log.warn({ doc: this.name, peer: peer.id, err: (err as Error).message }, 'update failed to apply')
      judging.verdict ??= { rule: 'undecodable', reason: 'The change could not be applied' }
    } finally {
      this.judging = null
    }
    if (judging.verdict) {
      this.refuse(peer, judging.verdict, update.byteLength)
      this.undo()
      return
    }
    this.deps.metrics.counters.updatesApplied++
  }

  // Judges a client's transaction before anything else sees it (Yjs emits this first, with the
  // delete set sorted); onUpdate then neither stores nor sends a refused one.
  private readonly onTransaction = (tr: Y.Transaction): void => {
    const judging = this.judging
    if (!judging || (tr.origin as ConnectionOrigin | null)?.kind !== 'connection') return
    try {
      const judgement = judgeTransaction(tr, this.doc.getXmlFragment(FRAGMENT_NAME), judging.sender, this.authors, this.deps.roster ?? DEFAULT_ROSTER)
      judging.verdict = judgement.violation
      judging.provenance = judgement.provenance
    } catch (err) {
      this.deps.log.error({ doc: this.name, err: (err as Error).stack }, 'judging an update failed')
      judging.verdict = { rule: 'invalid-block', reason: 'The change could not be checked' }
    }
  }

  // Counts and records a refusal in the audit.
  private record(peer: Peer, v: Violation, bytes: number): void {
    this.deps.metrics.refused(v.rule)
    const p = peer.principal
    try {
      this.deps.storage.recordRefusal({ doc: this.name, tokenId: p.tokenId, role: p.role, delegation: p.delegation, at: new Date().toISOString(), rule: v.rule, reason: v.reason, bytes })
    } catch (err) {
      this.deps.log.error({ doc: this.name, err: (err as Error).message }, 'recording a refusal failed')
    }
  }

  // Refuses an update: recorded, explained to its sender, whose connection is closed so that its
  // editor starts again from the server's text (its Yjs client has gone past what the server holds).
  private refuse(peer: Peer, v: Violation, bytes: number): void {
    this.record(peer, v, bytes)
    this.deps.onRefused?.(peer.principal.tokenId)
    this.deps.log.warn({ doc: this.name, peer: peer.id, rule: v.rule, reason: v.reason }, 'update refused')
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.auth)
    authProtocol.writePermissionDenied(encoder, JSON.stringify({ rule: v.rule, reason: v.reason }))
    peer.send(encoding.toUint8Array(encoder))
    peer.close(CloseCode.refused, truncateReason(v.reason))
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
    this.reload()
  }

  // Replaces the room's document with a fresh copy of what storage holds (the old one's listeners must be off).
  private reload(): void {
    // A large document is read again off the loop; its messages wait meanwhile. So is one of many
    // structs (a long-edited text costs the loop ~0.4 s to rebuild at 2 MB), outside a cluster (where
    // the holder must hold the document at once to judge what the other servers forward).
    if (this.isLarge() || (this.deps.loader && !this.link && structCount(this.doc) >= RELOAD_OFF_LOOP_STRUCTS)) return this.loadOffLoop()
    try {
      const loaded = this.deps.storage.load(this.name)
      if (!loaded) throw new Error('the document is gone from storage')
      const doc = newYDoc()
      doc.getXmlFragment(FRAGMENT_NAME)
      doc.transact(() => {
        for (const u of loaded.updates) Y.applyUpdate(doc, u, STORAGE_ORIGIN)
      }, STORAGE_ORIGIN)
      this.adopt(doc, loaded.upto, loaded.owners, null)
    } catch (err) {
      this.broken = true
      this.deps.log.error({ doc: this.name, err: (err as Error).message }, 'reloading after a refused update failed; dropping the document')
      this.deps.onBroken(this)
    }
  }

  private readonly onUpdate = (update: Uint8Array, origin: unknown, _doc: Y.Doc, tr: Y.Transaction): void => {
    const cached = this.freshAnswer
    if (cached) {
      cached.since.push(update)
      cached.sinceBytes += update.byteLength
      if (cached.sinceBytes > cached.answer.byteLength * FRESH_TAIL_SHARE) this.freshAnswer = null
    }
    this.base?.since.push(update)
    if (!isOrigin(origin) || origin.kind === 'storage' || this.broken) return
    if (origin.kind === 'cluster') return this.relay(update)
    if (this.judging?.verdict) return
    const peer = origin.kind === 'connection' ? this.judging?.peer ?? this.peers.get(origin.connId) : undefined
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
    const provenance = this.judging?.provenance ?? []
    for (const p of provenance) this.authors.add(p)
    const receivedAt = origin.kind === 'connection' ? this.receivedAt : performance.now()
    const ticket = origin.kind === 'local' ? this.localTicket : this.judging?.ticket
    this.queue.push({ update, attribution, deletions: encodeDeletions(tr.deleteSet), from: peer, provenance, receivedAt, ticket })
    // A server-made change (a restore) is on disk before its caller goes on; client updates are
    // group-committed: every update read in one event-loop turn shares one transaction (one fsync).
    if (origin.kind === 'local') this.flush()
    else this.schedulePaced()
  }

  // After a costly flush (many peers, a slow commit) several turns share the next (flush-pacing.ts).
  private schedulePaced(): void {
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
    if (!canStartAppend(storage) || this.queue.length === 0 || this.broken) return this.flush()
    const taken = this.take()
    const entry = { ...taken, call: storage.startAppendMany(this.name, taken.batch, taken.fence) }
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
    return { batch, prev: this.lastId, waiting, fence: this.link ? this.link.fence ?? -1 : undefined, started: performance.now() }
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
    if (this.broken) return
    this.lastId = ids.at(-1)!
    this.stored(entry)
    // Tickets that waited only for this append; otherwise what arrived meanwhile goes in the next.
    if (this.queue.length === 0 && this.waiting.length > 0) {
      const waiting = this.waiting
      this.waiting = []
      this.link?.settled(waiting)
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
    if (this.broken) return
    const { storage } = this.deps
    try {
      if (canAppendMany(storage)) this.lastId = storage.appendMany(this.name, taken.batch, taken.fence).at(-1)!
      else for (const item of taken.batch) this.lastId = storage.append(this.name, item.update, item.attribution, taken.fence)
    } catch (err) {
      return this.appendFailed(err, taken)
    }
    this.stored(taken)
  }

  // An append failed: nothing of it is stored, so nobody may see it.
  private appendFailed(err: unknown, taken: Taken): void {
    if (err instanceof FencedError && this.link && this.lastId === taken.prev) {
      // Another server holds the lease: the document is rebuilt from storage, and what was applied
      // after this batch goes with it; the senders' servers resend to the new holder.
      this.deps.log.warn({ doc: this.name, fence: taken.fence }, 'lease lost: this server is no longer authoritative for the document')
      this.queue = []
      this.waiting = []
      this.doc.off('update', this.onUpdate)
      this.doc.off('beforeObserverCalls', this.onTransaction)
      this.link.fenced()
      this.reload()
      return
    }
    // Drop this instance; the senders resend on reconnect.
    this.broken = true
    this.deps.log.error({ doc: this.name, err: (err as Error).message }, 'append failed; dropping the document from memory')
    this.deps.onBroken(this, err)
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
        storage.recordProvenance(this.name, moved)
      } catch (err) {
        return this.appendFailed(err, { ...taken, prev: -1 })
      }
    }
    metrics.counters.updatesPersisted += batch.length
    this.broadcast(batch)
    this.flushed(started)
    if (this.link) {
      const update = batch.length === 1 ? batch[0].update : Y.mergeUpdates(batch.map((i) => i.update))
      this.link.appended(prev, this.lastId, update, [...batch.flatMap((i) => i.ticket ? [i.ticket] : []), ...waiting])
    }
    const sent = performance.now()
    for (const item of batch) if (this.peers.size > (item.from ? 1 : 0)) metrics.observeFanout((sent - item.receivedAt) / 1000)
    this.appendsSinceCompact += batch.length
    this.lastAppendAt = performance.now()
    if (this.appendsSinceCompact >= this.deps.compactEvery) this.scheduleCompaction()
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
      if (this.broken || this.appendsSinceCompact === 0) return
      if (performance.now() - this.lastAppendAt >= this.deps.compactIdleMs) this.compactNow()
      else this.armIdleCompaction()
    }, wait)
    this.idleTimer.unref()
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
    for (const p of this.peers.values()) {
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

  // Cluster replica: updates the holder stored, sent to this server's peers once per turn (paced as flushes are).
  private relay(update: Uint8Array): void {
    this.relayed.push(update)
    if (this.relayed.length > 1) return
    schedule(flushDelay(this.lastFlushAt, this.lastFlushCost, performance.now()), () => {
      const updates = this.relayed
      this.relayed = []
      if (this.broken || updates.length === 0) return
      const started = performance.now()
      const message = syncUpdateMessage(updates.length === 1 ? updates[0] : Y.mergeUpdates(updates))
      for (const p of this.peers.values()) p.send(message)
      this.flushed(started)
    })
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
    if (this.compactScheduled) return
    this.compactScheduled = true
    setImmediate(() => {
      this.compactScheduled = false
      this.compactNow()
    })
  }

  /** Compacts the stored log now unless the room is broken. Errors are logged, not thrown. */
  compactNow(): void {
    this.flush()
    // In a cluster only the holder compacts (it alone appends, so its document is exactly the log).
    if (this.broken || this.loading || (this.link && !this.link.authoritative)) return
    if (this.base && this.deps.loader) return this.compactOffLoop(this.deps.loader)
    if (canStartAppend(this.deps.storage)) return this.compactInStorage(this.deps.storage)
    try {
      // Everything applied is appended (flushed above), so the Y.Doc is exactly the log up to lastId;
      // storage merges the rows instead if another process appended since.
      // Its struct count is stored with it: the next first load is decided by it (room-load.ts).
      const known = this.pendingState ? undefined : { upto: this.lastId, encode: () => Y.encodeStateAsUpdate(this.ydoc), structs: structCount(this.ydoc) }
      if (this.deps.storage.compact(this.name, known) > 0) this.deps.metrics.counters.compactions++
      this.appendsSinceCompact = 0
    } catch (err) {
      this.deps.log.error({ doc: this.name, err: (err as Error).message }, 'compaction failed')
    }
  }

  // A large document: re-encoding it here would stall every other document, so a worker merges its log.
  private compactOffLoop(loader: RoomLoader): void {
    this.compactAside(() => loader.compact(this.name, structCount(this.doc)))
  }

  // PostgreSQL: the state is encoded here and stored while the loop goes on, so that a slow write of
  // the states table does not stall the server. Appends stored meanwhile stay in the log.
  private compactInStorage(storage: Storage & AsyncAppend): void {
    this.compactAside(() => {
      const call = storage.startCompact(this.name, this.pendingState ? undefined : { upto: this.lastId, state: Y.encodeStateAsUpdate(this.ydoc), structs: structCount(this.ydoc) })
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
      this.deps.log.error({ doc: this.name, err: (err as Error).message }, 'compaction failed')
    }).finally(() => { this.compacting = false })
  }

  /** Stops listening and frees the Y.Doc. Peers must have been closed. */
  destroy(): void {
    this.broken = true
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.ydoc.off('update', this.onUpdate)
    this.ydoc.off('beforeObserverCalls', this.onTransaction)
    this.awareness.off('update', this.onAwareness)
    this.awareness.destroy()
    this.ydoc.destroy()
  }
}

// A websocket close reason is at most 123 bytes of UTF-8.
function truncateReason(reason: string): string {
  const bytes = new TextEncoder().encode(reason)
  if (bytes.length <= 123) return reason
  let cut = reason.slice(0, 120)
  while (new TextEncoder().encode(cut + '…').length > 123) cut = cut.slice(0, -1)
  return cut + '…'
}
