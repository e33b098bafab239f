// One websocket as a Peer: frames in (rate-limited, parsed, handed to the room), messages out
// (with a bound on unsent bytes), and the close codes for everything that goes wrong.

import type { WebSocket } from 'ws'
import * as encoding from 'lib0/encoding'
import * as authProtocol from 'y-protocols/auth'
import * as awarenessProtocol from 'y-protocols/awareness'
import { CloseCode, MessageType, canEdit } from '../../shared/protocol.ts'
import type { Storage } from '../storage/types.ts'
import { admitUpdate } from './admission.ts'
import { sizeRefusal, volumeRefusal, type DocQuota } from './quota.ts'
import type { Logger } from '../logger.ts'
import type { Metrics } from '../metrics.ts'
import type { RateLimiter } from '../limits.ts'
import { identityOf, type Principal } from '../tokens.ts'
import { readFrame, type Incoming } from './messages.ts'
import type { Peer } from './peer.ts'
import type { Room } from './room.ts'

let nextPeerId = 1

/** What a connection needs from the server around it. */
export interface ConnectionDeps {
  metrics: Metrics
  log: Logger
  /** Per-token message limiter. */
  messages: RateLimiter
  maxBufferedBytes: number
  /** Per-document size and update-rate quotas (quota.ts); none: unbounded. */
  quota?: DocQuota
  /** Where refusals are recorded. */
  storage?: Storage
  /** False while storage takes no writes (a full disk): updates are held unread until it does. */
  writable?: () => boolean
  /** Why the document takes no changes from anyone now (archived), or null: a change is refused in those words. */
  readOnly?: () => string | null
  /** Called once when the socket has closed (for bookkeeping). */
  onClosed(peer: Peer): void
}

/** `reason` cut, with an ellipsis, to fit a websocket close frame (at most 123 bytes of UTF-8). */
export function shortReason(reason: string): string {
  const buf = Buffer.from(reason, 'utf8')
  return buf.length <= 123 ? reason : buf.subarray(0, 120).toString('utf8').replace(/\uFFFD+$/, '') + '…'
}

/**
 * Closes a websocket with `code` and a reason, counting it; a peer that does not complete the
 * closing handshake within 2 s is cut off. A socket paused (a writer being slowed, or waiting for a
 * document being built) is read again, or the peer's answer to the close would wait for the cut-off;
 * what else arrives is dropped (the connection is closed).
 */
export function closeSocket(ws: WebSocket, code: number, reason: string, metrics: Metrics): void {
  if (ws.readyState === ws.CLOSING || ws.readyState === ws.CLOSED) return
  metrics.closed(code)
  ws.close(code, shortReason(reason))
  if (ws.isPaused) ws.resume()
  setTimeout(() => ws.terminate(), 2000).unref()
}

// Presence is dropped for a reader with more than this unsent (and sent whole once it has caught up):
// a reader on slow Wi-Fi gets the text, and others' cursors when it can take them.
const AWARENESS_SKIP_BYTES = 64 * 1024
// Unsent data above this must keep draining: a reader that takes nothing for STALL_MS is cut off.
const WATCH_BYTES = 256 * 1024
const STALL_MS = 5000
// Held update bytes of a writer being slowed (its socket paused): past this, it is closed.
const MAX_HELD_BYTES = 16 * 1024 * 1024

/** Binds an open websocket to `room` as a new Peer for `principal` and joins it. */
export function attachConnection(ws: WebSocket, room: Room, principal: Principal, deps: ConnectionDeps): Peer {
  let closed = false
  let staleAwareness = false
  let refreshTimer: NodeJS.Timeout | null = null
  let watchdog: NodeJS.Timeout | null = null
  let lastBuffered = 0
  let stalledSince = 0
  // The size of a message larger than the bound that was sent (a large document's full state): the
  // bound is raised by it until the socket has drained back under the bound.
  let oversize = 0

  // Sends every present client's awareness once the reader has caught up (after some were dropped).
  const refreshAwareness = () => {
    refreshTimer = null
    if (closed || !staleAwareness) return
    if (ws.bufferedAmount > AWARENESS_SKIP_BYTES) {
      refreshTimer = setTimeout(refreshAwareness, 250)
      refreshTimer.unref()
      return
    }
    staleAwareness = false
    const clients = [...room.awareness.getStates().keys()]
    if (clients.length === 0) return
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.awareness)
    encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(room.awareness, clients))
    peer.send(encoding.toUint8Array(encoder))
  }

  const cutOff = (why: string) => {
    deps.log.warn({ doc: room.name, peer: peer.id, buffered: ws.bufferedAmount, why }, 'slow client closed')
    peer.close(CloseCode.tryAgainLater, 'too much unread data')
    ws.terminate()
  }

  // While much is unsent, it must keep draining; a socket that never reads is cut off after STALL_MS.
  const watch = () => {
    if (watchdog) return
    lastBuffered = ws.bufferedAmount
    stalledSince = performance.now()
    watchdog = setInterval(() => {
      const now = ws.bufferedAmount
      if (closed || now < WATCH_BYTES) {
        clearInterval(watchdog!)
        watchdog = null
        return
      }
      if (now < lastBuffered) stalledSince = performance.now()
      lastBuffered = now
      if (performance.now() - stalledSince > STALL_MS) {
        clearInterval(watchdog!)
        watchdog = null
        cutOff('not reading')
      }
    }, 500)
    watchdog.unref()
  }

  const peer: Peer = {
    id: nextPeerId++,
    principal,
    identity: identityOf(principal),
    awarenessClients: new Set(),
    send(data) {
      if (closed || ws.readyState !== ws.OPEN) return
      const buffered = ws.bufferedAmount
      if (data[0] === MessageType.awareness && buffered > AWARENESS_SKIP_BYTES) {
        staleAwareness = true
        refreshTimer ??= setTimeout(refreshAwareness, 250)
        refreshTimer.unref()
        return
      }
      // One message larger than the bound (a large document's full state) is sent to a socket with
      // little unsent, and the bound is raised by its size until it has drained (what changes meanwhile
      // still reaches the joiner); anything else that would go past the bound closes it. A socket that
      // stops draining is cut off by the watchdog.
      if (buffered <= deps.maxBufferedBytes) oversize = 0
      if (data.byteLength > deps.maxBufferedBytes) {
        if (buffered > AWARENESS_SKIP_BYTES) return cutOff('over the bound')
        oversize = data.byteLength
      } else if (buffered + data.byteLength > deps.maxBufferedBytes + oversize) return cutOff('over the bound')
      ws.send(data, { binary: true })
      if (ws.bufferedAmount >= WATCH_BYTES) watch()
    },
    close(code, reason) {
      if (closed) return
      closed = true
      closeSocket(ws, code, reason, deps.metrics)
    }
  }

  // Updates held while the writer is slowed to its document's rate (the socket is paused meanwhile).
  const held: Incoming[] = []
  let heldBytes = 0
  let holdTimer: NodeJS.Timeout | null = null

  // How long an update must wait: until storage takes writes again, and for the document's rate.
  const holdFor = (message: Incoming): number => {
    if (message.type !== 'sync-update') return 0
    if (deps.writable && !deps.writable()) return 500
    // A large document still being built off the loop (room-load.ts).
    if (room.isLoading) return 20
    return deps.quota?.wait(room.name, peer.identity, message.update.byteLength) ?? 0
  }

  const handle = (message: Incoming): boolean => {
    const quota = deps.quota
    if (message.type === 'sync-update' && holdFor(message) > 0) return false
    const frozen = message.type === 'sync-update' ? deps.readOnly?.() ?? null : null
    if (frozen !== null && message.type === 'sync-update' && room.ensureLoaded() && admitUpdate(message.update, room.ydoc).changes) {
      refuseFrozen(frozen, message.update.byteLength)
      return true
    }
    if (message.type === 'sync-update' && quota) {
      const bytes = message.update.byteLength
      if (canEdit(principal.role) && quota.over(room.name, bytes) && room.ensureLoaded() && admitUpdate(message.update, room.ydoc).changes) {
        refuseSize(bytes)
        return true
      }
      // The sender's volume across all its documents (a delegation spreading a flood over many).
      if (canEdit(principal.role) && quota.overVolume(peer.identity, bytes) && room.ensureLoaded() && admitUpdate(message.update, room.ydoc).changes) {
        refuseVolume(bytes)
        return true
      }
      quota.spend(room.name, peer.identity, bytes)
      quota.added(room.name, bytes)
    }
    try {
      room.receive(peer, message)
    } catch (err) {
      // The edge of the socket: a bug must cost this connection only.
      deps.log.error({ doc: room.name, peer: peer.id, err: (err as Error).stack }, 'error handling a message')
      peer.close(CloseCode.internalError, 'internal error')
    }
    return true
  }

  const refuseVolume = (bytes: number) => {
    const v = volumeRefusal(deps.quota!.limits.senderBytesPerHour)
    deps.log.warn({ doc: room.name, peer: peer.id, identity: peer.identity, bytes }, 'update refused: sender over its hourly volume')
    refuse(v, bytes, 'too many changes from this delegation within an hour')
  }

  const refuseSize = (bytes: number) => {
    deps.log.warn({ doc: room.name, peer: peer.id, bytes }, 'update refused: document over its size limit')
    refuse(sizeRefusal(deps.quota!.limits.docMaxBytes), bytes, 'the document has reached its size limit')
  }

  // Recorded in the audit, counted, and told to the sender in words (permission denied).
  const tell = (v: { rule: string; reason: string }, bytes: number) => {
    deps.metrics.refused(v.rule)
    try {
      deps.storage?.recordRefusal({ doc: room.name, tokenId: principal.tokenId, role: principal.role, delegation: principal.delegation, at: new Date().toISOString(), rule: v.rule, reason: v.reason, bytes })
    } catch (err) {
      deps.log.error({ doc: room.name, err: (err as Error).message }, 'recording a refusal failed')
    }
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.auth)
    authProtocol.writePermissionDenied(encoder, JSON.stringify(v))
    peer.send(encoding.toUint8Array(encoder))
  }

  // A refused change: told, then 4409 (the editor starts again from the server's text).
  const refuse = (v: { rule: string; reason: string }, bytes: number, closeReason: string) => {
    tell(v, bytes)
    peer.close(CloseCode.refused, closeReason)
  }

  // A change to a document nobody may change now: told why; the sender keeps the connection to read.
  const refuseFrozen = (reason: string, bytes: number) => tell({ rule: 'archived', reason }, bytes)

  // Takes held updates in order while the rate allows; the socket is read again once none is held.
  const drain = () => {
    holdTimer = null
    while (held.length > 0 && !closed) {
      const next = held[0]
      if (!handle(next)) {
        holdTimer = setTimeout(drain, Math.max(10, holdFor(next)))
        return
      }
      held.shift()
      heldBytes -= next.type === 'sync-update' ? next.update.byteLength : 0
    }
    if (!closed && ws.isPaused) ws.resume()
  }

  const hold = (message: Incoming) => {
    held.push(message)
    heldBytes += message.type === 'sync-update' ? message.update.byteLength : 0
    if (heldBytes > MAX_HELD_BYTES) {
      peer.close(CloseCode.tryAgainLater, 'sending faster than the document takes changes')
      return
    }
    if (!ws.isPaused) ws.pause()
    if (!holdTimer) holdTimer = setTimeout(drain, Math.max(10, holdFor(held[0])))
  }

  ws.on('message', (data, isBinary) => {
    if (closed) return
    deps.metrics.counters.messagesReceived++
    if (!deps.messages.take(principal.tokenId)) {
      peer.close(CloseCode.tryAgainLater, 'too many messages')
      return
    }
    if (!isBinary) {
      deps.log.warn({ doc: room.name, peer: peer.id }, 'text frame')
      peer.close(CloseCode.unsupportedData, 'text frames are not part of the protocol')
      return
    }
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data)
    const frame = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    const result = readFrame(frame)
    if (!result.ok) {
      deps.log.warn({ doc: room.name, peer: peer.id, code: result.code, reason: result.reason }, 'bad frame')
      peer.close(result.code, result.reason)
      return
    }
    // In order: while updates are held, everything after them waits too.
    if (held.length > 0 || !handle(result.message)) hold(result.message)
  })
  ws.on('error', (err) => {
    // ws closes the socket itself (1009 for an oversize frame, 1002 for a bad frame).
    deps.log.warn({ doc: room.name, peer: peer.id, err: err.message }, 'websocket error')
    const code = (err as { code?: string }).code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? CloseCode.messageTooBig : CloseCode.protocolError
    if (!closed) {
      closed = true
      deps.metrics.closed(code)
    }
  })
  ws.on('close', () => {
    closed = true
    if (holdTimer) clearTimeout(holdTimer)
    if (refreshTimer) clearTimeout(refreshTimer)
    if (watchdog) clearInterval(watchdog)
    held.length = 0
    room.leave(peer)
    deps.onClosed(peer)
  })
  room.join(peer)
  return peer
}
