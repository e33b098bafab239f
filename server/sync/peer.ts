// A peer: one client connection as a room sees it. The websocket details stay in connection.ts.

import type { Principal } from '../tokens.ts'

/** One client connection to one document. */
export interface Peer {
  /** Unique per server process; used in transaction origins. */
  readonly id: number
  readonly principal: Principal
  /** The identity its Yjs client IDs are bound to (see identityOf). */
  readonly identity: string
  /** Awareness client IDs this peer has set state for (removed when it leaves). */
  readonly awarenessClients: Set<number>
  /** Sends one binary message; a peer that stops reading is closed instead (1013). */
  send(data: Uint8Array): void
  /** Closes the connection with a close code from CloseCode; idempotent. */
  close(code: number, reason: string): void
}
