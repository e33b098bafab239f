// The cluster runtime: several Podium servers on one database and one Redis. Each loaded document
// has a DocLink (doc-link.ts); this file owns the Redis bus, routes its messages, runs the links'
// clock and carries revocations between servers.

import { createHash, randomBytes } from 'node:crypto'
import type { Logger } from '../logger.ts'
import type { Storage } from '../storage/types.ts'
import type { Room } from '../sync/room.ts'
import { Bus } from './bus.ts'
import { DocLink } from './doc-link.ts'
import { LEASE_TTL_MS, TICK_MS } from './timing.ts'
import type { LinkDeps } from './doc-link.ts'
import type { WireMessage } from './wire.ts'

/** Options of the cluster runtime. */
export interface ClusterOptions {
  /** `redis://host:port` (PODIUM_REDIS_URL). */
  redisUrl: string
  /** This server's id in leases and messages; random when absent. At most 100 of [A-Za-z0-9._-]. */
  serverId?: string
  /**
   * What identifies the shared database (its URL, or the SQLite directory): channel names are
   * prefixed with a hash of it, so clusters on different databases sharing one Redis never mix.
   */
  storageKey: string
  storage: Storage
  log: Logger
  /** Where the relay is counted for /metrics (forwarded, relayed in and out, remote fan-out). */
  metrics?: LinkDeps['metrics']
}

/** Redis could not be reached when the server started (`podium serve` prints it in one line, exit 2). */
export class ClusterUnavailableError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'ClusterUnavailableError'
  }
}

/** The shape of a server id. */
export const SERVER_ID_PATTERN = /^[A-Za-z0-9._-]{1,100}$/

/** A running cluster runtime. Create with startCluster. */
export class Cluster {
  readonly serverId: string
  private readonly bus: Bus
  private readonly links = new Map<string, DocLink>()
  private timer: NodeJS.Timeout | null = null
  private seq = 0
  /** Called for a revocation published by any server (this one included): close the token's connections here. */
  onRevoke: (tokenId: string, reason: string) => void = () => {}
  /** Called when any server (this one included) changed a document's visibility or archive state: apply it here. */
  onDocMeta: (doc: string) => void = () => {}

  constructor (private readonly options: ClusterOptions) {
    const id = options.serverId ?? `${process.pid}-${randomBytes(4).toString('hex')}`
    if (!SERVER_ID_PATTERN.test(id)) throw new RangeError(`server id ${JSON.stringify(id)} is not 1–100 of [A-Za-z0-9._-]`)
    this.serverId = id
    const prefix = `podium:${createHash('sha256').update(options.storageKey).digest('hex').slice(0, 12)}:`
    this.bus = new Bus(options.redisUrl, prefix, options.log, {
      message: (channel, message) => this.route(channel, message),
      reconnected: () => this.catchUpAll()
    })
  }

  /** Connects to Redis and starts the clock; rejects (naming Redis) when it cannot be reached. */
  async start(): Promise<void> {
    try {
      await this.bus.start()
    } catch (err) {
      throw new ClusterUnavailableError(`cannot reach Redis at ${redact(this.options.redisUrl)}: ${(err as Error).message}`)
    }
    await this.bus.subscribe(`srv:${this.serverId}`)
    await this.bus.subscribe('revoke')
    await this.bus.subscribe('docmeta')
    let last = performance.now()
    this.timer = setInterval(() => {
      const now = performance.now()
      // A loop held up this long cannot renew its leases in time: say so, it explains a takeover.
      if (now - last > LEASE_TTL_MS / 2) this.options.log.warn({ lateMs: Math.round(now - last - TICK_MS) }, 'cluster clock ran late: the event loop was blocked')
      last = now
      for (const link of this.links.values()) link.tick(now)
    }, TICK_MS)
    this.timer.unref()
    this.options.log.info({ serverId: this.serverId }, 'cluster mode: leases in storage, messages through Redis')
  }

  /** Links a freshly loaded room to the cluster (takes the lease when nobody holds it). `drop` unloads it when storage fails. */
  attach(room: Room, drop: (err: unknown) => void): DocLink {
    const link = new DocLink(room, {
      serverId: this.serverId,
      storage: this.options.storage,
      log: this.options.log,
      publish: (channel, message) => this.bus.publish(channel, message),
      subscribe: (channel) => this.bus.subscribe(channel),
      unsubscribe: (channel) => this.bus.unsubscribe(channel),
      nextSeq: () => ++this.seq,
      metrics: this.options.metrics
    }, drop)
    this.links.get(room.name)?.close()
    this.links.set(room.name, link)
    room.link = link
    link.start()
    return link
  }

  /** The room is unloaded or dropped: its lease is released and its channels left. */
  detach(room: Room): void {
    const link = this.links.get(room.name)
    if (!link || link.room !== room) return
    this.links.delete(room.name)
    link.close()
  }

  /** The link of a loaded document (tests, metrics). */
  linkOf(name: string): DocLink | undefined {
    return this.links.get(name)
  }

  /** Tells every server (this one included) to close the token's connections. Resolves false when Redis was unreachable. */
  async publishRevoke(tokenId: string, reason = 'token revoked'): Promise<boolean> {
    return (await this.bus.publish('revoke', { type: 'revoke', tokenId, reason })) >= 0
  }

  /** Tells every server (this one included) that document `doc`'s visibility or archive state changed. Resolves false when Redis was unreachable. */
  async publishDocMeta(doc: string): Promise<boolean> {
    return (await this.bus.publish('docmeta', { type: 'docmeta', doc })) >= 0
  }

  private route(channel: string, message: WireMessage): void {
    if (message.type === 'docmeta') return channel === 'docmeta' ? this.onDocMeta(message.doc) : undefined
    if (message.type === 'revoke') {
      for (const link of this.links.values()) link.forgetPrincipals(message.tokenId)
      return this.onRevoke(message.tokenId, message.reason)
    }
    if (message.type === 'ack' || message.type === 'send' || message.type === 'close') {
      if (channel !== `srv:${this.serverId}`) return
      const link = this.links.get(message.doc)
      if (!link) return
      if (message.type === 'ack') return link.acknowledged(message.seqs)
      const peer = link.room.peers.get(message.connId)
      if (!peer) return
      if (message.type === 'send') peer.send(message.data)
      else peer.close(message.code, message.reason)
      return
    }
    const sep = channel.indexOf(':')
    const link = this.links.get(channel.slice(sep + 1))
    const kind = channel.slice(0, sep)
    const forHolder = message.type === 'forward' || message.type === 'local'
    if (link && ((kind === 'in' && forHolder) || (kind === 'out' && !forHolder))) link.receive(message)
  }

  /**
   * The token table's revision moved (a revocation anywhere, the command line's included) or could not
   * be read: the principals kept for other servers' peers (one token read per connection, not per
   * update) are read again at their next update. Called by the hub's revocation poll, which reads the
   * revision for this server's own connections anyway.
   */
  tokensChanged(): void {
    for (const link of this.links.values()) link.forgetPrincipals()
  }

  // After Redis came back every replica may have missed updates: read what storage has.
  private catchUpAll(): void {
    for (const link of this.links.values()) {
      if (link.authoritative) continue
      try {
        link.room.resync()
      } catch (err) {
        this.options.log.error({ doc: link.room.name, err: (err as Error).message }, 'catching up after Redis came back failed')
      }
    }
  }

  /** Stops the clock, gives up every lease (rooms should be unloaded first) and closes Redis. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    for (const link of this.links.values()) link.close()
    this.links.clear()
    await this.bus.close()
  }
}

// A URL without its password, for messages.
function redact(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return 'the given URL'
  }
}

/** Creates and starts the cluster runtime. */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const cluster = new Cluster(options)
  await cluster.start()
  return cluster
}
