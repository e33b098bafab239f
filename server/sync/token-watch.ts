// Revocations and expiries made anywhere (this server, another, the command line) reaching this
// server's connections: a cheap revision stamp polled, every connected token re-checked when it
// moves, and the cluster told so that a holder reads forwarded senders' principals again.

import type { Logger } from '../logger.ts'
import { startTokenRevision, startTokensById } from '../storage/checks.ts'
import type { CallInFlight } from '../storage/append-types.ts'
import type { Storage, TokenRecord } from '../storage/types.ts'
import { principalOf } from '../tokens.ts'
import type { Peer } from './peer.ts'

/** What the token watch reads and acts on. */
export interface TokenWatchDeps {
  storage: Storage
  log: Logger
  /** This server's open peers by token id (the hub's map, read live). */
  peersByToken: ReadonlyMap<string, ReadonlySet<Peer>>
  /** Closes every connection of a token (4401) with `reason`. */
  revoke(tokenId: string, reason?: string): void
  /** Several servers: told when the revision moved or could not be read. */
  cluster?: { tokensChanged(): void }
  /** How often the revision stamp is read, in ms. */
  pollMs: number
}

/** Polls the token table's revision every `pollMs` from construction until stop(). */
export class TokenWatch {
  private revision: string | null
  // The revocation poll's read while it is out.
  private revisionRead: CallInFlight<string> | null = null
  // The re-check of connected tokens while it is out; `again`: asked for once more meanwhile.
  private recheck: { again: boolean } | null = null
  private readonly poller: NodeJS.Timeout
  private stopped = false

  constructor (private readonly deps: TokenWatchDeps) {
    this.revision = this.readRevision()
    this.poller = setInterval(() => this.poll(), deps.pollMs)
    this.poller.unref()
  }

  /** Stops polling; reads still out are ignored when they return. */
  stop(): void {
    this.stopped = true
    clearInterval(this.poller)
  }

  private readRevision(): string | null {
    try {
      return this.deps.storage.tokenRevision()
    } catch (err) {
      this.deps.log.error({ err: (err as Error).message }, 'token revision poll failed')
      return null
    }
  }

  // Every pollMs (the server's revocationPollMs): expired tokens' connections are closed; when the revocation stamp
  // changed (a revocation here or in another process), every connected token is re-checked, and the
  // cluster (if any) reads again the principals it keeps for other servers' peers: one poll serves
  // both. The stamp is read without blocking the loop where storage allows (../storage/checks.ts),
  // one read at a time: a poll that finds the last read still out waits for the next.
  private poll(): void {
    if (this.revisionRead) return
    const read = startTokenRevision(this.deps.storage)
    this.revisionRead = read
    read.onSettled(() => {
      this.revisionRead = null
      if (this.stopped) return
      let revision: string | null
      try {
        revision = read.settle()
      } catch (err) {
        this.deps.log.error({ err: (err as Error).message }, 'token revision poll failed')
        revision = null
      }
      this.polled(revision)
    })
  }

  private polled(revision: string | null): void {
    // A failed read (null) counts as a change for the cluster: it forgets rather than trusts stale principals.
    if (revision === null || revision !== this.revision) this.deps.cluster?.tokensChanged()
    if (this.deps.peersByToken.size === 0) {
      this.revision = revision
      return
    }
    const now = Date.now()
    const changed = revision !== null && revision !== this.revision
    this.revision = revision
    for (const [tokenId, peers] of [...this.deps.peersByToken]) {
      const expiresAt = peers.values().next().value?.principal.expiresAt
      if (expiresAt && Date.parse(expiresAt) <= now) this.deps.revoke(tokenId, 'token expired')
    }
    if (changed) this.recheckAll()
  }

  /**
   * Every connected token read again (revoked, expired, gone: its connections closed), in one read
   * started without blocking the loop where storage allows (thousands of delegates' tokens read one
   * by one cost a server on PostgreSQL thousands of round trips on its loop). A re-check asked for
   * while one is out runs again when it returns (a revocation seen meanwhile is not missed).
   */
  recheckAll(): void {
    if (this.recheck) {
      this.recheck.again = true
      return
    }
    const ids = [...this.deps.peersByToken.keys()]
    if (ids.length === 0) return
    const read = startTokensById(this.deps.storage, ids)
    const pending = { again: false }
    this.recheck = pending
    read.onSettled(() => {
      this.recheck = null
      if (this.stopped) return
      let records: TokenRecord[]
      try {
        records = read.settle()
      } catch (err) {
        this.deps.log.error({ err: (err as Error).message }, 'token re-check failed')
        return
      }
      const now = Date.now()
      const byId = new Map(records.map((r) => [r.id, r]))
      for (const id of ids) if (principalOf(byId.get(id) ?? null, now) === null) this.deps.revoke(id)
      if (pending.again) this.recheckAll()
    })
  }
}
