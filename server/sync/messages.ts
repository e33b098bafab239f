// Reading one websocket frame as a y-websocket message. Every malformed frame becomes a value
// naming the close code, never an exception past this file.

import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { CloseCode, MessageType } from '../../shared/protocol.ts'

/** A well-formed message from a client. */
export type Incoming =
  | { type: 'sync-step1'; stateVector: Uint8Array }
  | { type: 'sync-update'; update: Uint8Array; step2: boolean }
  | { type: 'awareness'; update: Uint8Array }
  | { type: 'query-awareness' }

/** The result of reading a frame: the message, or the close code and reason for a bad one. */
export type ReadResult =
  | { ok: true; message: Incoming }
  | { ok: false; code: number; reason: string }

function fail(code: number, reason: string): ReadResult {
  return { ok: false, code, reason }
}

/**
 * Reads one binary frame. Unknown message types (and the auth type, which only servers send)
 * give 1003; truncated frames, trailing bytes and undecodable state vectors give 1002.
 * The Yjs update itself is decoded later, against the document (see inspectUpdate).
 */
export function readFrame(frame: Uint8Array): ReadResult {
  try {
    const decoder = decoding.createDecoder(frame)
    const type = decoding.readVarUint(decoder)
    let message: Incoming
    switch (type) {
      case MessageType.sync: {
        const sub = decoding.readVarUint(decoder)
        if (sub === syncProtocol.messageYjsSyncStep1) {
          const stateVector = decoding.readVarUint8Array(decoder)
          Y.decodeStateVector(stateVector) // throws when malformed
          message = { type: 'sync-step1', stateVector }
        } else if (sub === syncProtocol.messageYjsSyncStep2 || sub === syncProtocol.messageYjsUpdate) {
          message = { type: 'sync-update', update: decoding.readVarUint8Array(decoder), step2: sub === syncProtocol.messageYjsSyncStep2 }
        } else {
          return fail(CloseCode.unsupportedData, `unknown sync message type ${sub}`)
        }
        break
      }
      case MessageType.awareness:
        message = { type: 'awareness', update: decoding.readVarUint8Array(decoder) }
        break
      case MessageType.queryAwareness:
        message = { type: 'query-awareness' }
        break
      default:
        return fail(CloseCode.unsupportedData, `unknown message type ${type}`)
    }
    if (decoding.hasContent(decoder)) return fail(CloseCode.protocolError, 'trailing bytes after the message')
    return { ok: true, message }
  } catch (err) {
    return fail(CloseCode.protocolError, `malformed message: ${(err as Error).message}`)
  }
}
