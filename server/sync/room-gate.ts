// Where a client's update enters a room: admitted (admission.ts), judged while it is applied
// (judge.ts), or refused — recorded in the audit, explained to its sender, whose connection is closed.

import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as authProtocol from 'y-protocols/auth'
import { CloseCode, MessageType, canEdit } from '../../shared/protocol.ts'
import { DEFAULT_ROSTER } from '../../shared/roster.ts'
import { FRAGMENT_NAME } from '../../shared/ydoc.ts'
import type { Provenance, Sender, Violation } from '../../shared/trust/index.ts'
import { admitUpdate } from './admission.ts'
import type { Authors } from './authors.ts'
import type { Ticket } from './cluster-link.ts'
import { judgeTransaction } from './judge.ts'
import type { ConnectionOrigin } from './origins.ts'
import type { Peer } from './peer.ts'
import { shortReason } from './connection.ts'
import type { Room, RoomDeps } from './room.ts'

/** The client update being applied, and the verdict on it once its transaction ends. */
export interface Judging {
  sender: Sender
  verdict: Violation | null
  provenance: Provenance[]
  peer: Peer
  ticket?: Ticket
}

/** Admission, judging and refusal of a room's client updates. Created by the room; not shared. */
export class UpdateGate {
  // The client update being applied, and the verdict on it once its transaction ends (see judge).
  private current: Judging | null = null

  /**
   * For `room`, checking new clients against its `owners` and words against its `authors`; `undo`
   * rebuilds the room's document from storage after a refused transaction.
   */
  constructor (private readonly room: Room, private readonly deps: RoomDeps, private readonly owners: ReadonlyMap<number, string>, private readonly authors: Authors, private readonly undo: () => void) {}

  /** The client update being applied (while Yjs applies it), else null. */
  get judging(): Judging | null {
    return this.current
  }

  /**
   * Admits, judges and applies `peer`'s `update` to the room's document; a refusal is recorded and
   * told to the peer, never thrown. 'later' when it refers to what the document does not have yet
   * and `earlierPending` (its server still waits for older updates): neither applied nor refused.
   */
  admitAndApply(peer: Peer, update: Uint8Array, ticket: Ticket | undefined, earlierPending: boolean): 'later' | undefined {
    const name = this.room.name
    let admission
    try {
      admission = admitUpdate(update, this.room.ydoc)
    } catch (err) {
      this.deps.log.warn({ doc: name, peer: peer.id, err: (err as Error).message }, 'undecodable update')
      this.record(peer, { rule: 'undecodable', reason: 'The change could not be read' }, update.byteLength)
      peer.close(CloseCode.protocolError, 'undecodable update')
      return
    }
    // Arrived before an older update it builds on (forwarded in a cluster): not yet, rather than nothing new.
    if (admission.refusal?.rule === 'incomplete-update' && earlierPending) return 'later'
    if (!admission.changes) return
    if (!canEdit(peer.principal.role)) {
      this.record(peer, { rule: 'read-only', reason: 'Observers cannot change the document' }, update.byteLength)
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, MessageType.auth)
      authProtocol.writePermissionDenied(encoder, 'observers cannot change the document')
      peer.send(encoding.toUint8Array(encoder))
      return
    }
    const forged = admission.newClients.find((c) => {
      const owner = this.owners.get(c)
      return owner !== undefined && owner !== peer.identity
    })
    if (forged !== undefined) {
      this.record(peer, { rule: 'forged-client', reason: 'The change was written under another delegation\'s client id' }, update.byteLength)
      this.deps.log.warn({ doc: name, peer: peer.id, client: forged, owner: this.owners.get(forged), identity: peer.identity }, 'forged client id')
      peer.close(CloseCode.policyViolation, `client id ${forged} belongs to someone else`)
      return
    }
    if (admission.refusal) {
      this.refuse(peer, admission.refusal, update.byteLength)
      return
    }
    const origin: ConnectionOrigin = { kind: 'connection', connId: peer.id }
    const judging = { sender: { role: peer.principal.role, delegation: peer.principal.delegation, identity: peer.identity }, verdict: null as Violation | null, provenance: [] as Provenance[], peer, ticket }
    this.current = judging
    try {
      Y.applyUpdate(this.room.ydoc, update, origin)
    } catch (err) {
      this.deps.log.warn({ doc: name, peer: peer.id, err: (err as Error).message }, 'update failed to apply')
      judging.verdict ??= { rule: 'undecodable', reason: 'The change could not be applied' }
    } finally {
      this.current = null
    }
    if (judging.verdict) {
      this.refuse(peer, judging.verdict, update.byteLength)
      this.undo()
      return
    }
    this.deps.metrics.counters.updatesApplied++
  }

  /**
   * Judges a client's transaction before anything else sees it (the room's beforeObserverCalls
   * handler: Yjs emits it first, with the delete set sorted); the room's update handler then neither
   * stores nor sends a refused one.
   */
  judge(tr: Y.Transaction): void {
    const judging = this.current
    if (!judging || (tr.origin as ConnectionOrigin | null)?.kind !== 'connection') return
    try {
      const judgement = judgeTransaction(tr, this.room.ydoc.getXmlFragment(FRAGMENT_NAME), judging.sender, this.authors, this.deps.roster ?? DEFAULT_ROSTER)
      judging.verdict = judgement.violation
      judging.provenance = judgement.provenance
    } catch (err) {
      this.deps.log.error({ doc: this.room.name, err: (err as Error).stack }, 'judging an update failed')
      judging.verdict = { rule: 'invalid-block', reason: 'The change could not be checked' }
    }
  }

  // Counts and records a refusal in the audit.
  private record(peer: Peer, v: Violation, bytes: number): void {
    this.deps.metrics.refused(v.rule)
    const p = peer.principal
    try {
      this.deps.storage.recordRefusal({ doc: this.room.name, tokenId: p.tokenId, role: p.role, delegation: p.delegation, at: new Date().toISOString(), rule: v.rule, reason: v.reason, bytes })
    } catch (err) {
      this.deps.log.error({ doc: this.room.name, err: (err as Error).message }, 'recording a refusal failed')
    }
  }

  // Refuses an update: recorded, explained to its sender, whose connection is closed so that its
  // editor starts again from the server's text (its Yjs client has gone past what the server holds).
  private refuse(peer: Peer, v: Violation, bytes: number): void {
    this.record(peer, v, bytes)
    this.deps.onRefused?.(peer.principal.tokenId)
    this.deps.log.warn({ doc: this.room.name, peer: peer.id, rule: v.rule, reason: v.reason }, 'update refused')
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.auth)
    authProtocol.writePermissionDenied(encoder, JSON.stringify({ rule: v.rule, reason: v.reason }))
    peer.send(encoding.toUint8Array(encoder))
    peer.close(CloseCode.refused, shortReason(v.reason))
  }
}
