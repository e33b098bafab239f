// One websocket as a Peer: frames in (rate-limited, parsed, handed to the room), messages out
// (with a bound on unsent bytes), and the close codes for everything that goes wrong.

import type { WebSocket } from 'ws'
import { CloseCode } from '../../shared/protocol.ts'
import type { Logger } from '../logger.ts'
import type { Metrics } from '../metrics.ts'
import type { RateLimiter } from '../limits.ts'
import { identityOf, type Principal } from '../tokens.ts'
import { readFrame } from './messages.ts'
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
  /** Called once when the socket has closed (for bookkeeping). */
  onClosed(peer: Peer): void
}

// A close frame's reason must fit in 123 bytes.
function shortReason(reason: string): string {
  const buf = Buffer.from(reason, 'utf8')
  return buf.length <= 123 ? reason : buf.subarray(0, 120).toString('utf8').replace(/\uFFFD+$/, '') + '…'
}

/**
 * Closes a websocket with `code` and a reason, counting it; a peer that does not complete the
 * closing handshake within 2 s is cut off.
 */
export function closeSocket(ws: WebSocket, code: number, reason: string, metrics: Metrics): void {
  if (ws.readyState === ws.CLOSING || ws.readyState === ws.CLOSED) return
  metrics.closed(code)
  ws.close(code, shortReason(reason))
  setTimeout(() => ws.terminate(), 2000).unref()
}

/** Binds an open websocket to `room` as a new Peer for `principal` and joins it. */
export function attachConnection(ws: WebSocket, room: Room, principal: Principal, deps: ConnectionDeps): Peer {
  let closed = false
  const peer: Peer = {
    id: nextPeerId++,
    principal,
    identity: identityOf(principal),
    awarenessClients: new Set(),
    send(data) {
      if (closed || ws.readyState !== ws.OPEN) return
      if (ws.bufferedAmount > deps.maxBufferedBytes) {
        // It stopped reading: drop it rather than hold memory and slow everyone else.
        deps.log.warn({ doc: room.name, peer: peer.id, buffered: ws.bufferedAmount }, 'slow client closed')
        peer.close(CloseCode.tryAgainLater, 'too much unread data')
        ws.terminate()
        return
      }
      ws.send(data, { binary: true })
    },
    close(code, reason) {
      if (closed) return
      closed = true
      closeSocket(ws, code, reason, deps.metrics)
    }
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
    try {
      room.receive(peer, result.message)
    } catch (err) {
      // The edge of the socket: a bug must cost this connection only.
      deps.log.error({ doc: room.name, peer: peer.id, err: (err as Error).stack }, 'error handling a message')
      peer.close(CloseCode.internalError, 'internal error')
    }
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
    room.leave(peer)
    deps.onClosed(peer)
  })
  room.join(peer)
  return peer
}
