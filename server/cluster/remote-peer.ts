// A client connected to another server, as the holder's room sees it while judging the update that
// server forwarded: its principal is read again from the shared token table, and whatever the room
// tells it (a refusal, a close) goes back over Redis to the server it is connected to.

import type { Peer } from '../sync/peer.ts'
import { identityOf, type Principal } from '../tokens.ts'
import type { WireMessage } from './wire.ts'

let nextRemoteId = -1

/** A peer of another server. Never one of a room's peers: nothing is broadcast to it from here. */
export class RemotePeer implements Peer {
  /** Negative: never the id of a local connection. */
  readonly id = nextRemoteId--
  readonly identity: string
  readonly awarenessClients = new Set<number>()
  /** When the token expires (ms since the epoch), or null: never. The holder reads it again after. */
  readonly expiresAt: number | null

  constructor (
    readonly doc: string,
    readonly server: string,
    readonly connId: number,
    readonly principal: Principal,
    private readonly publish: (channel: string, message: WireMessage) => void
  ) {
    this.identity = identityOf(principal)
    this.expiresAt = principal.expiresAt === null ? null : Date.parse(principal.expiresAt) || 0
  }

  send(data: Uint8Array): void {
    this.publish(`srv:${this.server}`, { type: 'send', doc: this.doc, connId: this.connId, data })
  }

  close(code: number, reason: string): void {
    this.publish(`srv:${this.server}`, { type: 'close', doc: this.doc, connId: this.connId, code, reason })
  }
}
