// The messages servers exchange over Redis, encoded with lib0 (a type string, then fields). Every
// decoder checks shape and bounds and returns null for anything malformed: a message that fails is
// dropped and logged by the caller, never thrown into the sync loop.

import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { DOC_NAME_PATTERN, ROLES, type Role } from '../../shared/protocol.ts'
import type { OnBehalfOf } from '../sync/origins.ts'

/** One client update in a Forward: who sent it, and the update. */
export interface ForwardItem {
  seq: number
  /** The sender's connection on its server (refusals and closes are addressed to it). */
  connId: number
  /** The sender's token id: the holder re-reads the token (role, delegation, validity) from storage. */
  tokenId: string
  /**
   * The sending server still waits for older updates of this document: if this one refers to what
   * the holder does not have yet, it arrived early (it is sent again), rather than incomplete (refused).
   */
  earlierPending: boolean
  update: Uint8Array
}

/**
 * To the document's holder (channel `in:<doc>`): the client updates one server sent it in one
 * event-loop turn (1 to MAX_FORWARD_BATCH), in the order its clients sent them.
 */
export interface Forward {
  type: 'forward'
  server: string
  items: ForwardItem[]
}

/** To the document's holder: a server-made change (a restore) on someone's behalf. */
export interface ForwardLocal {
  type: 'local'
  server: string
  seq: number
  by: OnBehalfOf
  update: Uint8Array
}

/** From the holder to every server (channel `out:<doc>`): updates `prev`+1…`upto` are stored. */
export interface Accepted {
  type: 'accepted'
  server: string
  fence: number
  prev: number
  upto: number
  update: Uint8Array
}

/** From the holder to every server, every RENEW_MS: who holds the document, and its newest update id. */
export interface Holder {
  type: 'holder'
  server: string
  fence: number
  upto: number
}

/** From any server to the others: a presence change of its peers (already guarded). */
export interface Presence {
  type: 'awareness'
  server: string
  update: Uint8Array
}

/** From the holder to one server (channel `srv:<id>`): these updates are stored or refused. */
export interface Ack {
  type: 'ack'
  doc: string
  seqs: number[]
}

/** From the holder to one server: send this message to that connection (a refusal's explanation). */
export interface SendTo {
  type: 'send'
  doc: string
  connId: number
  data: Uint8Array
}

/** From the holder to one server: close that connection. */
export interface CloseConn {
  type: 'close'
  doc: string
  connId: number
  code: number
  reason: string
}

/** To every server (channel `revoke`): close this token's connections. */
export interface Revoke {
  type: 'revoke'
  tokenId: string
  reason: string
}

/** To every server (channel `docmeta`): document `doc`'s visibility or archive state changed; read it again. */
export interface DocMetaChanged {
  type: 'docmeta'
  doc: string
}

/** Every message of the cluster. */
export type WireMessage = Forward | ForwardLocal | Accepted | Holder | Presence | Ack | SendTo | CloseConn | Revoke | DocMetaChanged

const MAX_SEQS = 100_000

/** The most client updates one Forward carries (a server keeps at most MAX_PENDING per document). */
export const MAX_FORWARD_BATCH = 10_000

/** Encodes a message. */
export function encodeMessage(m: WireMessage): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarString(e, m.type)
  switch (m.type) {
    case 'forward':
      encoding.writeVarString(e, m.server); encoding.writeVarUint(e, m.items.length)
      for (const i of m.items) {
        encoding.writeVarUint(e, i.seq); encoding.writeVarUint(e, i.connId); encoding.writeVarString(e, i.tokenId)
        encoding.writeUint8(e, i.earlierPending ? 1 : 0); encoding.writeVarUint8Array(e, i.update)
      }
      break
    case 'local':
      encoding.writeVarString(e, m.server); encoding.writeVarUint(e, m.seq)
      encoding.writeVarString(e, JSON.stringify(m.by)); encoding.writeVarUint8Array(e, m.update)
      break
    case 'accepted':
      encoding.writeVarString(e, m.server); encoding.writeVarUint(e, m.fence); encoding.writeVarUint(e, m.prev)
      encoding.writeVarUint(e, m.upto); encoding.writeVarUint8Array(e, m.update)
      break
    case 'holder':
      encoding.writeVarString(e, m.server); encoding.writeVarUint(e, m.fence); encoding.writeVarUint(e, m.upto)
      break
    case 'awareness':
      encoding.writeVarString(e, m.server); encoding.writeVarUint8Array(e, m.update)
      break
    case 'ack':
      encoding.writeVarString(e, m.doc); encoding.writeVarUint(e, m.seqs.length)
      for (const s of m.seqs) encoding.writeVarUint(e, s)
      break
    case 'send':
      encoding.writeVarString(e, m.doc); encoding.writeVarUint(e, m.connId); encoding.writeVarUint8Array(e, m.data)
      break
    case 'close':
      encoding.writeVarString(e, m.doc); encoding.writeVarUint(e, m.connId); encoding.writeVarUint(e, m.code)
      encoding.writeVarString(e, m.reason)
      break
    case 'revoke':
      encoding.writeVarString(e, m.tokenId); encoding.writeVarString(e, m.reason)
      break
    case 'docmeta':
      encoding.writeVarString(e, m.doc)
      break
  }
  return encoding.toUint8Array(e)
}

function docName(d: decoding.Decoder): string {
  const name = decoding.readVarString(d)
  if (!DOC_NAME_PATTERN.test(name)) throw new RangeError(`doc ${JSON.stringify(name)} is not a document name`)
  return name
}

function shortString(d: decoding.Decoder, max = 200): string {
  const s = decoding.readVarString(d)
  if (s.length === 0 || s.length > max) throw new RangeError(`string of ${s.length} characters`)
  return s
}

function flag(d: decoding.Decoder): boolean {
  const b = decoding.readUint8(d)
  if (b > 1) throw new RangeError(`flag ${b}`)
  return b === 1
}

function onBehalfOf(text: string): OnBehalfOf {
  const v = JSON.parse(text) as Record<string, unknown>
  const role = v.role
  if (role !== 'server' && !ROLES.includes(role as Role)) throw new RangeError(`role ${JSON.stringify(role)}`)
  const str = (x: unknown, nullable: boolean) => (nullable && x === null) || (typeof x === 'string' && x.length > 0 && x.length <= 200)
  if (!str(v.tokenId, true) || !str(v.delegation, true) || !str(v.identity, false)) throw new RangeError('attribution fields')
  return { tokenId: v.tokenId as string | null, role: role as Role | 'server', delegation: v.delegation as string | null, identity: v.identity as string }
}

/** Decodes a message, or null when it is malformed (wrong type, truncated, trailing bytes, bad fields). */
export function decodeMessage(bytes: Uint8Array): WireMessage | null {
  try {
    const d = decoding.createDecoder(bytes)
    const type = decoding.readVarString(d)
    let m: WireMessage
    switch (type) {
      case 'forward': {
        const server = shortString(d)
        const n = decoding.readVarUint(d)
        if (n === 0 || n > MAX_FORWARD_BATCH) return null
        const items: ForwardItem[] = []
        for (let i = 0; i < n; i++) {
          const item = { seq: decoding.readVarUint(d), connId: decoding.readVarUint(d), tokenId: shortString(d), earlierPending: flag(d), update: decoding.readVarUint8Array(d) }
          // A server numbers its updates in the order it sends them: anything else is not its batch.
          if (i > 0 && item.seq <= items[i - 1].seq) return null
          items.push(item)
        }
        m = { type, server, items }
        break
      }
      case 'local':
        m = { type, server: shortString(d), seq: decoding.readVarUint(d), by: onBehalfOf(decoding.readVarString(d)), update: decoding.readVarUint8Array(d) }
        break
      case 'accepted':
        m = { type, server: shortString(d), fence: decoding.readVarUint(d), prev: decoding.readVarUint(d), upto: decoding.readVarUint(d), update: decoding.readVarUint8Array(d) }
        if (m.upto <= m.prev) return null
        break
      case 'holder':
        m = { type, server: shortString(d), fence: decoding.readVarUint(d), upto: decoding.readVarUint(d) }
        break
      case 'awareness':
        m = { type, server: shortString(d), update: decoding.readVarUint8Array(d) }
        break
      case 'ack': {
        const doc = docName(d)
        const n = decoding.readVarUint(d)
        if (n > MAX_SEQS) return null
        const seqs: number[] = []
        for (let i = 0; i < n; i++) seqs.push(decoding.readVarUint(d))
        m = { type, doc, seqs }
        break
      }
      case 'send':
        m = { type, doc: docName(d), connId: decoding.readVarUint(d), data: decoding.readVarUint8Array(d) }
        break
      case 'close':
        m = { type, doc: docName(d), connId: decoding.readVarUint(d), code: decoding.readVarUint(d), reason: decoding.readVarString(d).slice(0, 123) }
        if (m.code < 1000 || m.code > 4999) return null
        break
      case 'revoke':
        m = { type, tokenId: shortString(d), reason: decoding.readVarString(d).slice(0, 123) }
        break
      case 'docmeta':
        m = { type, doc: docName(d) }
        break
      default:
        return null
    }
    if (decoding.hasContent(d)) return null
    return m
  } catch {
    return null
  }
}
