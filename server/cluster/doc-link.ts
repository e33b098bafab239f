// One document's part in the cluster, on one server: its lease (doc-lease.ts: holder or replica), the updates this
// server's peers sent that are not yet stored (kept, and sent again until acknowledged), and what
// arrives on the document's channels. See docs/cluster.md for the design and its failure cases.

import * as awarenessProtocol from 'y-protocols/awareness'
import { CloseCode } from '../../shared/protocol.ts'
import type { Logger } from '../logger.ts'
import type { Storage } from '../storage/types.ts'
import type { ClusterLink, Ticket } from '../sync/cluster-link.ts'
import { CLUSTER_ORIGIN, type OnBehalfOf } from '../sync/origins.ts'
import type { Peer } from '../sync/peer.ts'
import type { Room } from '../sync/room.ts'
import { mayOpen, principalOf } from '../tokens.ts'
import { DocLease } from './doc-lease.ts'
import { RemotePeer } from './remote-peer.ts'
import { JUDGE_SLICE_MS, MAX_PENDING, RESEND_MS } from './timing.ts'
import { MAX_FORWARD_BATCH, type Accepted, type Forward, type ForwardItem, type ForwardLocal, type Holder, type Presence, type WireMessage } from './wire.ts'
import type { Metrics } from '../metrics.ts'

/** What a document link needs from the cluster around it. */
export interface LinkDeps {
  serverId: string
  storage: Storage
  log: Logger
  /** Publishes without waiting; resolves to the number of receivers, -1 when Redis is unreachable. */
  publish(channel: string, message: WireMessage): Promise<number>
  subscribe(channel: string): Promise<void>
  unsubscribe(channel: string): void
  /** A sequence number unique on this server. */
  nextSeq(): number
  /** Where the relay is counted (/metrics): updates forwarded, relayed out and in, fan-out of relayed updates. */
  metrics?: Pick<Metrics, 'forwarded' | 'relayed' | 'observeFanout'>
}

// An update of this server's peer (or a server-made change) that no holder has acknowledged yet.
interface Pending {
  seq: number
  update: Uint8Array
  peer?: Peer
  by?: OnBehalfOf
  sentAt: number
  /** In the outbox, to be published at the end of this turn. */
  queued: boolean
}

/** The link between a room and the cluster (see ClusterLink). */
export class DocLink implements ClusterLink {
  private readonly pending = new Map<number, Pending>()
  private readonly remote = new Map<string, RemotePeer>()
  // Updates to publish to the holder at the end of this event-loop turn, in one Forward.
  private outbox: Pending[] = []
  // Holder: updates waiting to be judged, in arrival order, judged JUDGE_SLICE_MS at a time (see drain).
  private work: (() => void)[] = []
  private drainScheduled = false
  private sliceStart = -1
  private closed = false

  private readonly lease: DocLease

  constructor (readonly room: Room, private readonly deps: LinkDeps, private readonly drop: (err: unknown) => void) {
    this.lease = new DocLease(room.name, deps, {
      taken: (fence) => this.leaseTaken(fence),
      renewed: (refenced) => this.leaseRenewed(refenced),
      lost: () => this.leaseLost(),
      unavailable: (err) => this.drop(err),
    })
  }

  get authoritative(): boolean {
    return this.lease.held
  }

  get fence(): number | undefined {
    return this.lease.fence
  }

  /** How many updates of this server's peers wait for the holder. */
  get pendingCount(): number {
    return this.pending.size
  }

  private get name(): string {
    return this.room.name
  }

  /**
   * Subscribes to the document's channel and takes the lease when nobody holds it. The room was
   * loaded from storage just before; whatever the holder stored meanwhile is read once subscribed.
   */
  start(): void {
    this.lease.check(performance.now())
    void this.deps.subscribe(`out:${this.name}`).then(() => {
      if (this.closed || this.authoritative) return
      this.guard(() => this.room.resync())
    })
  }

  // --- ClusterLink: called by the room -------------------------------------------------------

  submit(peer: Peer, update: Uint8Array): void {
    if (this.pending.size >= MAX_PENDING) return peer.close(CloseCode.tryAgainLater, 'the document\'s server is not answering; try again in a moment')
    const p: Pending = { seq: this.deps.nextSeq(), update, peer, sentAt: performance.now(), queued: false }
    this.pending.set(p.seq, p)
    this.send(p)
  }

  submitLocal(update: Uint8Array, by: OnBehalfOf): void {
    const p: Pending = { seq: this.deps.nextSeq(), update, by, sentAt: performance.now(), queued: false }
    this.pending.set(p.seq, p)
    this.send(p)
  }

  appended(prev: number, upto: number, update: Uint8Array, tickets: readonly Ticket[]): void {
    const fence = this.lease.fence
    if (fence !== undefined) {
      void this.deps.publish(`out:${this.name}`, { type: 'accepted', server: this.deps.serverId, fence, prev, upto, update })
      this.deps.metrics?.relayed('out', upto - prev)
    }
    this.settled(tickets)
  }

  settled(tickets: readonly Ticket[]): void {
    const others = new Map<string, number[]>()
    for (const t of tickets) {
      if (t.server === this.deps.serverId) this.pending.delete(t.seq)
      else others.set(t.server, [...(others.get(t.server) ?? []), t.seq])
    }
    for (const [server, seqs] of others) void this.deps.publish(`srv:${server}`, { type: 'ack', doc: this.name, seqs })
  }

  fenced(): void {
    this.lease.lose('fenced')
  }

  awareness(update: Uint8Array): void {
    void this.deps.publish(`out:${this.name}`, { type: 'awareness', server: this.deps.serverId, update })
  }

  // --- messages from the other servers -------------------------------------------------------

  /** A message on `in:<doc>` (for the holder) or `out:<doc>` (for everyone). */
  receive(message: WireMessage): void {
    if (this.closed) return
    switch (message.type) {
      case 'forward': return this.onForward(message)
      case 'local': return this.onForwardLocal(message)
      case 'accepted': return this.onAccepted(message)
      case 'holder': return this.onHolder(message)
      case 'awareness': return this.onPresence(message)
    }
  }

  /** The holder acknowledged these updates of this server's peers: stored, or refused. */
  acknowledged(seqs: readonly number[]): void {
    for (const s of seqs) this.pending.delete(s)
  }

  private onForward(m: Forward): void {
    if (!this.lease.held || m.server === this.deps.serverId) return
    for (const item of m.items) this.enqueue(() => this.onForwardItem(m.server, item))
  }

  // Judging is the holder's heaviest work: a backlog (a takeover's resends, a burst) is judged a slice
  // at a time, so that the loop still renews the lease, reads sockets and sends between slices
  // (a loop blocked for seconds lost its lease to another server, which then had the same backlog).
  // Each slice's accepted updates are appended together (the room flushes on setImmediate, queued
  // before the next slice). Arrival order is kept: nothing is judged ahead of what waits.
  private enqueue(task: () => void): void {
    if (this.work.length === 0 && this.withinSlice()) return task()
    this.work.push(task)
    if (!this.drainScheduled) {
      this.drainScheduled = true
      setImmediate(() => this.drain())
    }
  }

  // Whether this turn has judged for less than JUDGE_SLICE_MS (a turn's slice starts at its first judging).
  private withinSlice(): boolean {
    const now = performance.now()
    if (this.sliceStart < 0) {
      this.sliceStart = now
      setImmediate(() => { this.sliceStart = -1 })
    }
    return now - this.sliceStart < JUDGE_SLICE_MS
  }

  private drain(): void {
    this.drainScheduled = false
    this.sliceStart = -1
    this.withinSlice()
    let i = 0
    // The lease may be lost while judging (an append fenced): the rest goes to the next holder, resent.
    while (i < this.work.length && this.lease.held && !this.closed && (i === 0 || this.withinSlice())) this.work[i++]()
    this.work = this.lease.held && !this.closed ? this.work.slice(i) : []
    this.lease.renewIfDue(performance.now())
    if (this.work.length > 0 && !this.drainScheduled) {
      this.drainScheduled = true
      setImmediate(() => this.drain())
    }
  }

  private onForwardItem(server: string, m: ForwardItem): void {
    const key = `${server}:${m.connId}`
    let peer = this.remote.get(key)
    if (peer && (peer.principal.tokenId !== m.tokenId || expired(peer))) {
      this.remote.delete(key)
      peer = undefined
    }
    if (!peer) {
      // The sender is whoever the shared token table says the token is, never what the message claims.
      // Kept until the token is revoked (forgetPrincipals) or expires; read once per connection.
      const principal = principalOf(this.deps.storage.tokenById(m.tokenId))
      if (!principal || !mayOpen(principal, this.name)) {
        void this.deps.publish(`srv:${server}`, { type: 'close', doc: this.name, connId: m.connId, code: CloseCode.unauthorized, reason: 'missing, unknown, revoked or expired token' })
        this.settled([{ server, seq: m.seq }])
        return
      }
      peer = new RemotePeer(this.name, server, m.connId, principal, (channel, message) => void this.deps.publish(channel, message))
      this.remote.set(key, peer)
      if (this.remote.size > 10_000) this.remote.delete(this.remote.keys().next().value!)
    }
    this.room.applyClient(peer, m.update, { server, seq: m.seq }, m.earlierPending)
  }

  /**
   * The token table changed: the principals read for other servers' peers are read again at their
   * next update — those of `tokenId` only, or all of them when no token is named.
   */
  forgetPrincipals(tokenId?: string): void {
    if (tokenId === undefined) return this.remote.clear()
    for (const [key, peer] of this.remote) if (peer.principal.tokenId === tokenId) this.remote.delete(key)
  }

  /** How many other servers' peers this holder has read a principal for. */
  get remotePeers(): number {
    return this.remote.size
  }

  private onForwardLocal(m: ForwardLocal): void {
    if (!this.lease.held || m.server === this.deps.serverId) return
    // A server-made change is accepted on behalf of the server itself or of a valid secretariat or chair token.
    const principal = m.by.tokenId === null ? null : principalOf(this.deps.storage.tokenById(m.by.tokenId))
    const allowed = m.by.tokenId === null ? m.by.role === 'server' : principal !== null && (principal.role === 'secretariat' || principal.role === 'chair') && principal.role === m.by.role
    if (!allowed) {
      this.deps.log.warn({ doc: this.name, from: m.server, by: m.by }, 'forwarded server change refused: not on behalf of the server, the secretariat or the chair')
      this.settled([{ server: m.server, seq: m.seq }])
      return
    }
    this.room.applyLocalNow(m.update, m.by, { server: m.server, seq: m.seq })
  }

  private onAccepted(m: Accepted): void {
    if (m.server === this.deps.serverId || m.fence < this.lease.newestHeard) return
    this.lease.heard(m.fence)
    if (this.lease.held) return
    const metrics = this.deps.metrics
    if (metrics) {
      metrics.relayed('in', m.upto - m.prev)
      // The room sends relayed updates to its peers at the end of this turn (its own setImmediate, queued first).
      if (m.upto > this.room.lastUpdateId && this.room.peers.size > 0) {
        const receivedAt = performance.now()
        setImmediate(() => metrics.observeFanout((performance.now() - receivedAt) / 1000, 'remote'))
      }
    }
    if (!this.room.applyAccepted(m.prev, m.upto, m.update)) {
      this.deps.log.info({ doc: this.name, have: this.room.lastUpdateId, prev: m.prev }, 'missed an update; catching up from storage')
      this.guard(() => this.room.resync())
    }
  }

  private onHolder(m: Holder): void {
    if (m.server === this.deps.serverId || m.fence < this.lease.newestHeard) return
    const changed = m.fence > this.lease.newestHeard
    this.lease.heard(m.fence)
    const fence = this.lease.fence
    if (fence !== undefined) {
      // Someone took the lease after ours lapsed: stop judging now; the next append would be fenced anyway.
      if (m.fence > fence) this.lease.lose('another server announced a newer lease')
      return
    }
    // A new holder: everything not yet acknowledged goes to it now.
    if (changed) for (const p of this.pending.values()) this.send(p)
    if (m.upto > this.room.lastUpdateId) {
      this.deps.log.info({ doc: this.name, have: this.room.lastUpdateId, holder: m.upto }, 'behind the holder; catching up from storage')
      this.guard(() => this.room.resync())
    }
  }

  private onPresence(m: Presence): void {
    if (m.server === this.deps.serverId) return
    try {
      awarenessProtocol.applyAwarenessUpdate(this.room.awareness, m.update, CLUSTER_ORIGIN)
    } catch (err) {
      this.deps.log.warn({ doc: this.name, err: (err as Error).message }, 'malformed relayed presence dropped')
    }
  }

  // --- the lease -------------------------------------------------------------------------------

  /** Every TICK_MS: renew (holder), look for a lapsed lease (replica), send again what waits too long. */
  tick(now: number): void {
    if (this.closed) return
    this.lease.tick(now)
    for (const p of this.pending.values()) if (now - p.sentAt >= RESEND_MS) this.send(p)
  }

  private leaseTaken(fence: number): void {
    // Under the lease storage changes only through us: first everything stored so far.
    if (!this.guard(() => this.room.resync())) return
    void this.deps.subscribe(`in:${this.name}`).then(() => {
      if (this.lease.fence === fence) this.announce()
    })
    // This server's own waiting updates are judged here now.
    for (const p of [...this.pending.values()]) this.send(p)
  }

  private leaseRenewed(refenced: boolean): void {
    // It lapsed and was taken again: someone may have written meanwhile.
    if (refenced) this.guard(() => this.room.resync())
    this.announce()
  }

  private leaseLost(): void {
    this.work = []
    this.deps.unsubscribe(`in:${this.name}`)
    this.remote.clear()
    // Everything of ours not acknowledged goes to the next holder.
    for (const p of this.pending.values()) p.sentAt = 0
  }

  private announce(): void {
    const fence = this.lease.fence
    if (fence === undefined) return
    void this.deps.publish(`out:${this.name}`, { type: 'holder', server: this.deps.serverId, fence, upto: this.room.lastUpdateId })
  }

  // To the holder: judged here when it is us, else published on the document's input channel at
  // the end of this turn, with whatever else this server sends it meanwhile (one Forward).
  private send(p: Pending): void {
    p.sentAt = performance.now()
    if (this.lease.held) return this.enqueue(() => { if (this.pending.get(p.seq) === p) this.judge(p) })
    if (p.queued) return
    p.queued = true
    this.outbox.push(p)
    if (this.outbox.length === 1) setImmediate(() => this.publishOutbox())
  }

  private judge(p: Pending): void {
    const ticket = { server: this.deps.serverId, seq: p.seq }
    // Kept in order of arrival: anything before this one is older and not yet acknowledged.
    const earlierPending = this.pending.keys().next().value !== p.seq
    if (p.peer) this.room.applyClient(p.peer, p.update, ticket, earlierPending)
    else this.room.applyLocalNow(p.update, p.by!, ticket)
  }

  private publishOutbox(): void {
    // Oldest first (a resend may have joined after a newer update), acknowledged ones left out.
    const out = this.outbox.sort((a, b) => a.seq - b.seq)
    this.outbox = []
    for (const p of out) p.queued = false
    const waiting = out.filter((p) => this.pending.get(p.seq) === p)
    if (this.closed || waiting.length === 0) return
    if (this.lease.held) {
      // Took the lease meanwhile: judged here, behind whatever already waits to be judged.
      for (const p of waiting) this.send(p)
      return
    }
    const oldest = this.pending.keys().next().value
    let items: ForwardItem[] = []
    const flush = () => {
      if (items.length === 0) return
      this.publishIn({ type: 'forward', server: this.deps.serverId, items })
      this.deps.metrics?.forwarded(items.length)
      items = []
    }
    for (const p of waiting) {
      if (p.peer) {
        items.push({ seq: p.seq, connId: p.peer.id, tokenId: p.peer.principal.tokenId, earlierPending: oldest !== p.seq, update: p.update })
        if (items.length === MAX_FORWARD_BATCH) flush()
      } else {
        flush()
        this.publishIn({ type: 'local', server: this.deps.serverId, seq: p.seq, by: p.by!, update: p.update })
      }
    }
    flush()
  }

  private publishIn(message: Forward | ForwardLocal): void {
    void this.deps.publish(`in:${this.name}`, message).then((receivers) => {
      // Nobody holds the document (its holder died or let it go): look at the lease now, not at the next silence.
      if (receivers === 0 && !this.closed && !this.lease.held) this.lease.look()
    })
  }

  // Runs a catch-up; a storage failure drops the room (its peers are told to come back: 1013).
  private guard(fn: () => void): boolean {
    try {
      fn()
      return true
    } catch (err) {
      this.deps.log.error({ doc: this.name, err: (err as Error).message }, 'catching up from storage failed')
      this.drop(err)
      return false
    }
  }

  /** The room is being unloaded or dropped: the lease is given up, the channels left. */
  close(): void {
    if (this.closed) return
    this.closed = true
    if (this.lease.close()) this.deps.unsubscribe(`in:${this.name}`)
    this.deps.unsubscribe(`out:${this.name}`)
    if (this.pending.size > 0) this.deps.log.warn({ doc: this.name, pending: this.pending.size }, 'unloaded with updates not yet acknowledged by a holder')
  }
}

// Whether a principal read for another server's peer has passed its token's expiry.
function expired(peer: RemotePeer): boolean {
  return peer.expiresAt !== null && peer.expiresAt <= Date.now()
}
