// What a room needs from the cluster runtime (server/cluster/) when several servers share the
// documents: whether this server is authoritative for the document, where client updates go, and
// what to tell the others after an append. Embedded (one server), rooms have no link.

import type { OnBehalfOf } from './origins.ts'
import type { Peer } from './peer.ts'

/** One client update as its origin server numbered it: acknowledged once stored or refused. */
export interface Ticket {
  /** The id of the server the sender is connected to. */
  server: string
  /** That server's sequence number for the update. */
  seq: number
}

/** A room's link to the cluster. */
export interface ClusterLink {
  /** True while this server holds the document's lease: it judges, appends and publishes. */
  readonly authoritative: boolean
  /** The lease's fence while authoritative (appends carry it); undefined otherwise. */
  readonly fence: number | undefined
  /** A local peer's update: judged here when authoritative, else forwarded to the holder (and kept until acknowledged). */
  submit(peer: Peer, update: Uint8Array): void
  /** A server-made change (a restore): applied here when authoritative, else forwarded to the holder. */
  submitLocal(update: Uint8Array, by: OnBehalfOf): void
  /** After an append: the updates `prev`+1…`upto` (merged as `update`) are stored; tell every server. */
  appended(prev: number, upto: number, update: Uint8Array, tickets: readonly Ticket[]): void
  /** Updates that are done without an append of their own: refused, or already in the document. */
  settled(tickets: readonly Ticket[]): void
  /** An append was refused with FencedError: another server holds the lease now. */
  fenced(): void
  /** A presence change of this server's peers (already guarded), for the other servers' peers. */
  awareness(update: Uint8Array): void
}
