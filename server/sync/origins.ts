// Typed transaction origins: the update handler uses them to know what to persist and whom to
// skip when broadcasting, so nothing is echoed back or written twice.

import type { Role } from '../../shared/protocol.ts'

/** An update that came from a client connection. */
export interface ConnectionOrigin {
  kind: 'connection'
  connId: number
}

/** An update replayed from storage while loading (never persisted again, never broadcast). */
export interface StorageOrigin {
  kind: 'storage'
}

/** Who asked for a server-made change (a restore through REST or the CLI), for the audit trail. */
export interface OnBehalfOf {
  tokenId: string | null
  role: Role | 'server'
  delegation: string | null
  identity: string
}

/** The server itself, as the author of what it writes on no one's behalf (imports, COB snapshots). */
export const SERVER_ACTOR: OnBehalfOf = Object.freeze({ tokenId: null, role: 'server', delegation: null, identity: 'server' })

/** An update the server makes itself on a live document (persisted and broadcast to everyone). */
export interface LocalOrigin {
  kind: 'local'
  /** The person the server acts for; the server itself when absent. */
  by?: OnBehalfOf
}

/**
 * An update another server (the document's holder) accepted and stored, applied to this server's
 * replica (never stored again, sent to this server's peers). Also the origin of presence relayed
 * from other servers.
 */
export interface ClusterOrigin {
  kind: 'cluster'
}

/** Every origin a server-side Y.Doc transaction can carry. */
export type Origin = ConnectionOrigin | StorageOrigin | LocalOrigin | ClusterOrigin

/** The single storage origin object. */
export const STORAGE_ORIGIN: StorageOrigin = Object.freeze({ kind: 'storage' })

/** The single cluster origin object. */
export const CLUSTER_ORIGIN: ClusterOrigin = Object.freeze({ kind: 'cluster' })

/** The single local origin object. */
export const LOCAL_ORIGIN: LocalOrigin = Object.freeze({ kind: 'local' })

/** Whether a transaction origin is one of ours (anything else is treated as foreign and refused). */
export function isOrigin(value: unknown): value is Origin {
  const kind = (value as { kind?: unknown } | null)?.kind
  return kind === 'connection' || kind === 'storage' || kind === 'local' || kind === 'cluster'
}
