// The websocket side of the server: upgrades at /sync/<doc>, checks (rate, name, token,
// document) that end in a close code, and the open peers by token for revocation (token-watch.ts
// catches revocations and expiries made elsewhere).

import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import * as encoding from 'lib0/encoding'
import { CloseCode, DOC_NAME_PATTERN, MessageType, Paths, canEdit } from '../../shared/protocol.ts'
import { canSee } from '../../shared/visibility.ts'
import type { Logger } from '../logger.ts'
import type { Metrics } from '../metrics.ts'
import { RateLimiter, type Limits } from '../limits.ts'
import { StorageUnavailableError, type Storage } from '../storage/types.ts'
import { authenticate, mayOpen, principalOf, type Principal } from '../tokens.ts'
import { sameOrigin, SESSION_PARAM, sessionPrincipal } from '../http/session.ts'
import { attachConnection, closeSocket } from './connection.ts'
import { TokenWatch } from './token-watch.ts'
import type { Peer } from './peer.ts'
import { Rooms, type RoomsCluster } from './rooms.ts'
import { DocQuota, type DocBytes } from './quota.ts'
import { DISK_FULL_REASON, type StorageHealth } from '../health.ts'
import type { RosterEntry } from '../../shared/roster.ts'
import type { RoomLoader } from './room-load.ts'

/** Why peers are sent away (1013) while the database does not answer. */
export const STORAGE_DOWN_REASON = 'the database is not answering; your changes are kept and sent when it is back'

// Not a closure: an arrow here would share handleUpgrade's scope and keep the upgrade request and
// its URL alive as long as the socket (1.5 KB per connection).
function destroySocket(this: Duplex): void {
  this.destroy()
}

// The words an archived document's refusals and closes use.
function archivedReason(name: string): string {
  return `${name} is archived: it is read only for everyone`
}

/** Options of the sync hub. */
export interface HubOptions {
  storage: Storage
  metrics: Metrics
  log: Logger
  limits: Limits
  idleUnloadMs: number
  /** Compact a document's log after this many appends, even under steady typing. */
  compactEvery: number
  /** Compact a non-empty log after this many ms without an append. */
  compactIdleMs: number
  /** How often every open connection's token is re-checked regardless of the revocation poll, in ms. */
  tokenRecheckMs: number
  /**
   * How often the token table's revocation stamp is polled (one cheap query; tokens are re-checked
   * only when it changed) and open connections' expiries are checked, in ms. Default 250: a
   * revocation by another process (the CLI) closes the token's connections within about that long.
   */
  revocationPollMs?: number
  /** The meeting's roster (presence colours); DEFAULT_ROSTER when not given. */
  roster?: readonly RosterEntry[]
  /** Storage health: a full disk changes what peers are told, and holds updates until it clears. */
  health?: StorageHealth
  /**
   * Several servers (server/cluster/): rooms are linked to it, and revocations and documents'
   * visibility or archive changes are published to every server. None: this server alone.
   */
  cluster?: RoomsCluster & {
    publishRevoke(tokenId: string): Promise<boolean>
    publishDocMeta(doc: string): Promise<boolean>
    /** The token table's revision moved, or could not be read: what the cluster keeps of tokens is read again. */
    tokensChanged(): void
  }
  /** Builds large documents off the loop (room-load.ts); none: every document is loaded on the loop. */
  loader?: RoomLoader
}

/** Who is connected to a document. */
export interface Presence {
  role: string
  delegation: string | null
}

/** The websocket hub: accepts upgrades, owns the rooms and the peers. */
export class Hub {
  readonly rooms: Rooms
  private readonly wss: WebSocketServer
  private readonly sockets = new Set<WebSocket>()
  private readonly peersByToken = new Map<string, Set<Peer>>()
  private readonly peerDocs = new Map<Peer, string>()
  private readonly upgrades: RateLimiter
  // Refused updates per token, and the tokens turned away until a time (ms since the epoch).
  private readonly refusals: RateLimiter
  private readonly cooling = new Map<string, number>()
  private readonly tokenUpgrades: RateLimiter
  /** Per-document size and update-rate quotas. */
  readonly quota: DocQuota
  private readonly heartbeat: NodeJS.Timeout
  // Sockets that answered the last ping (or were opened since).
  private readonly alive = new WeakSet<WebSocket>()
  private readonly messages: RateLimiter
  private readonly sweeper: NodeJS.Timeout
  // Revocations and expiries made elsewhere (token-watch.ts).
  private readonly tokens: TokenWatch
  // Archived documents by name, with the words a refused change is answered with.
  private readonly archived = new Map<string, string>()
  private accepting = true

  constructor (private readonly options: HubOptions) {
    const { limits } = options
    this.wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxFrameBytes, perMessageDeflate: false })
    this.upgrades = new RateLimiter(limits.upgradesPerSecond, limits.upgradeBurst)
    this.refusals = new RateLimiter(limits.refusalsPerMinute / 60, limits.refusalsPerMinute)
    // Per token, as generous as per address: one delegation's tabs reconnecting together.
    this.tokenUpgrades = new RateLimiter(limits.upgradesPerSecond, limits.upgradeBurst)
    this.quota = new DocQuota(options.storage as DocBytes, limits)
    this.messages = new RateLimiter(limits.messagesPerSecond, limits.messageBurst)
    this.rooms = new Rooms({
      storage: options.storage,
      metrics: options.metrics,
      log: options.log,
      idleUnloadMs: options.idleUnloadMs,
      compactEvery: options.compactEvery,
      compactIdleMs: options.compactIdleMs,
      roster: options.roster,
      cluster: options.cluster,
      loader: options.loader,
      onRefused: (tokenId) => this.refused(tokenId),
      onDrop: (room, err) => {
        // A full disk is said in words, with a code that makes clients come back (and keep their edits).
        const full = options.health?.fault != null
        for (const peer of room.peers.values()) {
          if (full) peer.close(CloseCode.tryAgainLater, DISK_FULL_REASON)
          else if (err instanceof StorageUnavailableError) peer.close(CloseCode.tryAgainLater, STORAGE_DOWN_REASON)
          else peer.close(CloseCode.internalError, 'storage failed; reconnect')
        }
      }
    })
    this.sweeper = setInterval(() => this.sweep(), options.tokenRecheckMs)
    this.sweeper.unref()
    this.tokens = new TokenWatch({
      storage: options.storage,
      log: options.log,
      peersByToken: this.peersByToken,
      revoke: (tokenId, reason) => this.revoke(tokenId, reason),
      cluster: options.cluster,
      pollMs: options.revocationPollMs ?? 250
    })
    // A websocket whose peer has gone (Wi-Fi lost without a close) or that never answers is cut off.
    this.heartbeat = setInterval(() => this.ping(), limits.pingIntervalMs)
    this.heartbeat.unref()
  }

  private ping(): void {
    for (const ws of this.sockets) {
      if (ws.readyState !== ws.OPEN) continue
      if (!this.alive.has(ws)) {
        ws.terminate()
        continue
      }
      this.alive.delete(ws)
      ws.ping()
    }
  }

  /** Open websocket connections. */
  get connections(): number {
    return this.sockets.size
  }

  /** Handles an HTTP upgrade request. Paths outside /sync/ are refused with 404. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (!this.accepting || !url.pathname.startsWith(Paths.sync + '/')) {
      socket.end(`HTTP/1.1 ${this.accepting ? '404 Not Found' : '503 Service Unavailable'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
      return
    }
    socket.on('error', destroySocket)
    // Refusals happen after the upgrade so the client gets a close code and knows whether to retry.
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      // The edge of the socket: a database that does not answer (reading the token) costs this
      // connection a 1013, never the process.
      try {
        this.accept(ws, req, url)
      } catch (err) {
        const down = err instanceof StorageUnavailableError
        this.options.log.error({ err: (err as Error).message }, down ? 'connection refused: the database is not answering' : 'accepting a connection failed')
        closeSocket(ws, down ? CloseCode.tryAgainLater : CloseCode.internalError, down ? STORAGE_DOWN_REASON : 'internal error', this.options.metrics)
      }
    })
  }

  private accept(ws: WebSocket, req: IncomingMessage, url: URL): void {
    const { metrics, log, storage, limits } = this.options
    this.sockets.add(ws)
    this.alive.add(ws)
    ws.on('pong', () => this.alive.add(ws))
    ws.on('close', () => this.sockets.delete(ws))
    ws.on('error', () => {})
    const address = req.socket.remoteAddress ?? 'unknown'
    // A valid token is checked first (one hash and one indexed lookup) and is limited per token: a
    // venue behind one NAT address stays in while a token-less flood from that address spends the
    // address's budget. Token-less attempts cost no lookup at all.
    const principal = this.hasCredential(url) ? this.authenticate(req, url) : null
    if (!principal && !this.upgrades.take(address)) return closeSocket(ws, CloseCode.tryAgainLater, 'too many connection attempts', metrics)
    if (principal && !this.tokenUpgrades.take(principal.tokenId)) return closeSocket(ws, CloseCode.tryAgainLater, 'too many connection attempts for this sign-in link', metrics)
    let name: string
    try {
      name = decodeURIComponent(url.pathname.slice(Paths.sync.length + 1))
    } catch {
      name = ''
    }
    if (!DOC_NAME_PATTERN.test(name)) return closeSocket(ws, CloseCode.badDocumentName, 'document names are [A-Za-z0-9._-]{1,100}', metrics)
    if (!principal) return closeSocket(ws, CloseCode.unauthorized, 'missing, unknown, revoked or expired token', metrics)
    if (!mayOpen(principal, name)) return closeSocket(ws, CloseCode.forbidden, `this sign-in link is for document ${principal.doc} only`, metrics)
    const record = storage.getDoc(name)
    // A document above this role's visibility: a secretariat-only one is answered as a missing one (its name leaks to nobody).
    if (record && !canSee(principal.role, record.visibility)) {
      return record.visibility === 'secretariat'
        ? closeSocket(ws, CloseCode.notFound, `no document named ${name}`, metrics)
        : closeSocket(ws, CloseCode.forbidden, `${name} is not released to observers yet`, metrics)
    }
    if (record?.archivedAt) this.archived.set(name, archivedReason(name))
    else this.archived.delete(name)
    if ((this.cooling.get(principal.tokenId) ?? 0) > Date.now()) return closeSocket(ws, CloseCode.tryAgainLater, 'too many refused changes from this sign-in link; try again in a minute', metrics)
    const peers = this.peersByToken.get(principal.tokenId) ?? new Set<Peer>()
    if (peers.size >= limits.connectionsPerToken) return closeSocket(ws, CloseCode.tryAgainLater, 'too many connections for this token', metrics)
    const opened = this.rooms.open(name)
    if (!opened.ok) {
      if (opened.reason === 'unavailable') return closeSocket(ws, CloseCode.tryAgainLater, STORAGE_DOWN_REASON, metrics)
      return opened.reason === 'missing'
        ? closeSocket(ws, CloseCode.notFound, `no document named ${name}`, metrics)
        : closeSocket(ws, CloseCode.loadFailed, 'the document could not be loaded', metrics)
    }
    metrics.counters.connectionsOpened++
    const peer = attachConnection(ws, opened.room, principal, {
      metrics,
      log,
      messages: this.messages,
      maxBufferedBytes: limits.maxBufferedBytes,
      quota: this.quota,
      storage,
      writable: this.options.health ? () => this.options.health!.writable : undefined,
      readOnly: () => this.archived.get(name) ?? null,
      onClosed: (p) => {
        const set = this.peersByToken.get(p.principal.tokenId)
        set?.delete(p)
        if (set?.size === 0) this.peersByToken.delete(p.principal.tokenId)
        this.peerDocs.delete(p)
      }
    })
    peers.add(peer)
    this.peersByToken.set(principal.tokenId, peers)
    this.peerDocs.set(peer, name)
    log.info({ doc: name, peer: peer.id, role: principal.role, delegation: principal.delegation }, 'connected')
  }

  private hasCredential(url: URL): boolean {
    return url.searchParams.has('token') || url.searchParams.has(SESSION_PARAM)
  }

  // `?token=` (non-browser clients, y-websocket as stock) or `?session=<id>` with the session's
  // httpOnly cookie (the browser client, see http/session.ts), from a page of this server only.
  private authenticate(req: IncomingMessage, url: URL): Principal | null {
    const token = url.searchParams.get('token')
    if (token !== null) return authenticate(this.options.storage, token)
    const session = url.searchParams.get(SESSION_PARAM)
    if (session === null || !sameOrigin(req)) return null
    return sessionPrincipal(this.options.storage, req, session)
  }

  // A token whose updates keep being refused is turned away for a minute (each refusal may reload
  // the document from storage; an honest editor meets one only in a rare conflict).
  private refused(tokenId: string): void {
    if (this.refusals.take(tokenId)) return
    this.cooling.set(tokenId, Date.now() + 60_000)
    this.options.log.warn({ tokenId }, 'too many refused updates; token turned away for a minute')
  }

  /**
   * Closes every connection of a token with 4401 (it was revoked). Each peer is marked closed at
   * once, so nothing more it sends is accepted, even before the close handshake ends.
   */
  revoke(tokenId: string, reason = 'token revoked'): void {
    for (const peer of this.peersByToken.get(tokenId) ?? []) peer.close(CloseCode.unauthorized, reason)
  }

  /**
   * A token was revoked through this server: its connections here are closed now, and on every other
   * server of a cluster as soon as Redis carries the word (each server's revocation poll is the fallback).
   */
  revokeEverywhere(tokenId: string): void {
    this.revoke(tokenId)
    void this.options.cluster?.publishRevoke(tokenId)
  }

  /**
   * Tells every page connected here that the roster changed (`MessageType.rosterRevision` with
   * `revision`): open editors and podium screens fetch it at once (chips, picker, matrix).
   */
  rosterChanged(revision: number): void {
    if (!Number.isSafeInteger(revision) || revision < 0) throw new RangeError(`rosterChanged: revision ${revision} is not a non-negative integer`)
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.rosterRevision)
    encoding.writeVarUint(encoder, revision)
    const message = encoding.toUint8Array(encoder)
    for (const peer of this.peerDocs.keys()) peer.send(message)
  }

  /**
   * After the secretariat changed document `name`'s visibility or archive state: sockets of roles
   * that may no longer open it are closed at once (4403, in words), and an archived document takes
   * no more changes (its editors are closed 4403 too, so their screens turn read only and say why).
   */
  docMetaChanged(name: string): void {
    const record = this.options.storage.getDoc(name)
    if (!record) return
    if (record.archivedAt) this.archived.set(name, archivedReason(name))
    else this.archived.delete(name)
    for (const [peer, doc] of this.peerDocs) {
      if (doc !== name) continue
      const role = peer.principal.role
      if (!canSee(role, record.visibility)) peer.close(CloseCode.forbidden, `the secretariat has withdrawn ${name} from ${role === 'observer' ? 'observers' : 'delegations'}`)
      else if (record.archivedAt && canEdit(role)) peer.close(CloseCode.forbidden, archivedReason(name))
    }
  }

  /**
   * docMetaChanged here, and on every other server of a cluster as soon as Redis carries the word
   * (so an archived text is read only, and a withdrawn one closed, whichever server a client is on).
   */
  docMetaChangedEverywhere(name: string): void {
    this.docMetaChanged(name)
    void this.options.cluster?.publishDocMeta(name)
  }

  /** Who is connected to document `name`. */
  presence(name: string): Presence[] {
    const room = this.rooms.get(name)
    if (!room) return []
    return [...room.peers.values()].map((p) => ({ role: p.principal.role, delegation: p.principal.delegation }))
  }

  private sweep(): void {
    this.upgrades.sweep()
    this.refusals.sweep()
    const now = Date.now()
    for (const [tokenId, until] of this.cooling) if (until <= now) this.cooling.delete(tokenId)
    this.tokenUpgrades.sweep()
    this.quota.sweep()
    this.messages.sweep()
    this.tokens.recheckAll()
  }

  /** Stops accepting, closes every socket with 1001, waits for them (at most `graceMs`), then unloads the rooms. */
  async close(graceMs = 2000): Promise<void> {
    this.accepting = false
    clearInterval(this.sweeper)
    this.tokens.stop()
    clearInterval(this.heartbeat)
    const closing = [...this.sockets].map((ws) => new Promise<void>((resolve) => {
      if (ws.readyState === ws.CLOSED) return resolve()
      ws.once('close', () => resolve())
      closeSocket(ws, CloseCode.goingAway, 'server shutting down', this.options.metrics)
    }))
    let timer: NodeJS.Timeout | undefined
    await Promise.race([Promise.all(closing), new Promise<void>((resolve) => { timer = setTimeout(resolve, graceMs) })])
    clearTimeout(timer)
    for (const ws of this.sockets) ws.terminate()
    this.rooms.unloadAll()
    this.wss.close()
  }
}
