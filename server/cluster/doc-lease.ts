// One document's lease, on one server: held (renewed, announced) or watched for (read when the holder
// falls silent, taken when it lapsed). The storage calls are started, not awaited, except the first
// read at start. See docs/cluster.md (*The lease*).

import type { Logger } from '../logger.ts'
import { startAcquireLease, startLeaseOf } from '../storage/checks.ts'
import type { CallInFlight } from '../storage/append-types.ts'
import { StorageUnavailableError, type Lease, type Storage } from '../storage/types.ts'
import { HOLDER_SILENCE_MS, LEASE_TTL_MS, RENEW_MS } from './timing.ts'

/** What the lease tells its document's link. */
export interface LeaseEvents {
  /** This server holds the lease now, under `fence` (taken at start or after a lapse). */
  taken(fence: number): void
  /** A renewal came back; `refenced`: the lease had lapsed and was taken again under a new fence, so someone may have written meanwhile. */
  renewed(refenced: boolean): void
  /** This server no longer holds the lease (the reason is logged). */
  lost(): void
  /** Storage is unreachable: the room is dropped (its peers are told to come back). */
  unavailable(err: unknown): void
}

/** Where the lease is kept and under which name this server takes it. */
export interface LeaseDeps {
  serverId: string
  storage: Storage
  log: Logger
}

/** A document's lease as one server sees it; `close()` gives it up. */
export class DocLease {
  private holding: { fence: number } | null = null
  private lastRenew = 0
  // The lease's read, renewal or taking while it is out (see renew, look); `takes`: it may take or
  // keep the lease in storage.
  private call: { call: CallInFlight<Lease | null>; takes: boolean } | null = null
  // The newest holder heard on the document's channel (its fence) and when.
  private heardFence = 0
  private heardAt = 0
  // When to read the lease again while the holder is silent (ms since the epoch): when it lapses.
  private nextCheck = 0
  private closed = false

  constructor (private readonly doc: string, private readonly deps: LeaseDeps, private readonly events: LeaseEvents) {}

  /** Whether this server holds the lease (judges and stores the document's updates). */
  get held(): boolean {
    return this.holding !== null
  }

  /** The fence of the lease this server holds, undefined when it holds none. */
  get fence(): number | undefined {
    return this.holding?.fence
  }

  /** The newest fence heard from any holder (messages under an older one are stale). */
  get newestHeard(): number {
    return this.heardFence
  }

  /** A holder spoke under `fence` (an announcement or an accepted update). */
  heard(fence: number): void {
    this.heardFence = Math.max(this.heardFence, fence)
    this.heardAt = performance.now()
  }

  /**
   * On start: the lease read (and taken when it lapsed) at once — the room was just loaded, blocking,
   * and its first clients find the holder settled.
   */
  check(now: number): void {
    let lease: Lease | null
    try {
      const current = this.deps.storage.leaseOf(this.doc)
      if (this.heldElsewhere(current)) return
      lease = this.deps.storage.acquireLease(this.doc, this.deps.serverId, LEASE_TTL_MS)
    } catch (err) {
      return this.readFailed(err)
    }
    if (lease) this.take(lease, now)
  }

  /** Every TICK_MS: renew when held and due, else look for a lapsed lease when the holder is silent. */
  tick(now: number): void {
    if (this.closed) return
    if (this.holding) this.renewIfDue(now)
    else if (now - this.heardAt >= HOLDER_SILENCE_MS && Date.now() >= this.nextCheck) this.look()
  }

  /** Renews when held and RENEW_MS have passed since the last renewal started. */
  renewIfDue(now: number): void {
    if (this.holding && now - this.lastRenew >= RENEW_MS) this.renew(now)
  }

  // The renewal is started, not awaited: the loop goes on judging while PostgreSQL answers (a
  // blocking renewal cost the holder a round trip through the storage thread, several ms on a busy
  // machine, three times a second). One at a time: a renewal still out is left to its answer, even
  // past the moment the lease may lapse — the answer decides (another holder: given up; a lapsed
  // lease taken again: a new fence, a catch-up from storage), and meanwhile fencing keeps a second
  // holder's appends out. Giving the lease up on the clock instead made a holder that was only busy
  // give it up while its renewal was out (seen in bench:cluster, on the observers' document). The lease
  // counts as renewed from when its renewal started (its new expiry cannot be earlier).
  private renew(now: number): void {
    if (this.call) return
    const fence = this.holding!.fence
    const call = startAcquireLease(this.deps.storage, this.doc, this.deps.serverId, LEASE_TTL_MS)
    this.call = { call, takes: true }
    call.onSettled(() => {
      if (this.call?.call !== call) return
      this.call = null
      // Lost meanwhile (a lease renewed in storage all the same lapses within LEASE_TTL_MS), or lost
      // and taken again (that lease's own renewals decide).
      if (this.closed || this.holding?.fence !== fence) return
      this.renewed(call, now)
    })
  }

  private renewed(call: CallInFlight<Lease | null>, startedAt: number): void {
    let lease: Lease | null
    try {
      lease = call.settle()
    } catch (err) {
      this.deps.log.error({ doc: this.doc, err: (err as Error).message }, 'renewing the lease failed')
      // Without a renewal the lease lapses by itself; stop judging before another server may take it.
      if (performance.now() - this.lastRenew >= LEASE_TTL_MS - RENEW_MS) this.lose('lease could not be renewed')
      if (err instanceof StorageUnavailableError) this.events.unavailable(err)
      return
    }
    if (!lease) return this.lose('another server holds the lease')
    this.lastRenew = startedAt
    const refenced = lease.fence !== this.holding!.fence
    if (refenced) this.holding = { fence: lease.fence }
    this.events.renewed(refenced)
  }

  /**
   * From the clock (a silent holder) or a forward nobody heard: the lease read, then taken when it
   * lapsed, both started without blocking the loop where storage allows (a server waiting on a lock
   * for the lease row no longer stalls). One look at a time.
   */
  look(): void {
    if (this.call || this.closed || this.holding) return
    const read = startLeaseOf(this.deps.storage, this.doc)
    this.call = { call: read, takes: false }
    read.onSettled(() => {
      if (this.call?.call !== read) return
      this.call = null
      if (this.closed || this.holding) return
      let current: Lease | null
      try {
        current = read.settle()
      } catch (err) {
        return this.readFailed(err)
      }
      if (this.heldElsewhere(current)) return
      const startedAt = performance.now()
      const take = startAcquireLease(this.deps.storage, this.doc, this.deps.serverId, LEASE_TTL_MS)
      this.call = { call: take, takes: true }
      take.onSettled(() => {
        if (this.call?.call !== take) return
        this.call = null
        let lease: Lease | null
        try {
          lease = take.settle()
        } catch (err) {
          return this.readFailed(err)
        }
        if (lease && !this.closed && !this.holding) this.take(lease, startedAt)
      })
    })
  }

  // Whether `current` is held (maybe by a server that died): then looked at again the moment it
  // lapses, unless the holder speaks first.
  private heldElsewhere(current: Lease | null): boolean {
    if (!current || current.expiresAt <= Date.now()) return false
    this.heardFence = Math.max(this.heardFence, current.fence)
    this.nextCheck = Math.min(current.expiresAt, Date.now() + RENEW_MS)
    return true
  }

  private readFailed(err: unknown): void {
    this.deps.log.error({ doc: this.doc, err: (err as Error).message }, 'reading the lease failed')
    if (err instanceof StorageUnavailableError) this.events.unavailable(err)
  }

  private take(lease: Lease, now: number): void {
    this.holding = { fence: lease.fence }
    this.lastRenew = now
    this.heard(lease.fence)
    this.deps.log.info({ doc: this.doc, fence: lease.fence }, 'this server is now authoritative for the document')
    this.events.taken(lease.fence)
  }

  /** Stops holding (fenced, or a newer holder announced itself); nothing when not held. */
  lose(why: string): void {
    if (!this.holding) return
    this.deps.log.warn({ doc: this.doc, fence: this.holding.fence, why }, 'no longer authoritative for the document')
    this.holding = null
    this.heardAt = performance.now()
    this.events.lost()
  }

  /**
   * Gives the lease up in storage (the document is unloaded or dropped). Returns whether this server
   * held it. A renewal or taking still out would take the lease again after its release: it is
   * settled first.
   */
  close(): boolean {
    if (this.closed) return false
    this.closed = true
    let taken = false
    if (this.call?.takes) {
      try {
        taken = this.call.call.settle() !== null
      } catch { /* not taken: nothing to release for it */ }
    }
    this.call = null
    const held = this.holding !== null
    if (held || taken) {
      try {
        this.deps.storage.releaseLease(this.doc, this.deps.serverId)
      } catch (err) {
        this.deps.log.warn({ doc: this.doc, err: (err as Error).message }, 'releasing the lease failed (it lapses by itself)')
      }
    }
    this.holding = null
    return held
  }
}
