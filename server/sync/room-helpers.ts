// Small pure helpers of a room (room.ts): the messages it sends, what a transaction added, and
// what its storage can do.

import type * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import * as awarenessProtocol from 'y-protocols/awareness'
import { MessageType } from '../../shared/protocol.ts'
import type { Storage } from '../storage/types.ts'
import type { AsyncAppend, BatchAppend } from '../storage/append-types.ts'

/** Encodes a y-websocket sync-update message. */
export function syncUpdateMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.sync)
  syncProtocol.writeUpdate(encoder, update)
  return encoding.toUint8Array(encoder)
}

/** Encodes a y-websocket awareness message carrying the states of `clients` in `awareness`. */
export function awarenessMessage(awareness: awarenessProtocol.Awareness, clients: number[]): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.awareness)
  encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, clients))
  return encoding.toUint8Array(encoder)
}

/** The clients a transaction added structs for, in ascending order (as updateClients gives them). */
export function newClientsOf(tr: Y.Transaction): number[] {
  const out: number[] = []
  tr.afterState.forEach((clock, client) => {
    if (clock > (tr.beforeState.get(client) ?? 0)) out.push(client)
  })
  return out.sort((a, b) => a - b)
}

/** Whether `storage` appends a batch of updates in one transaction (BatchAppend). */
export function canAppendMany(storage: Storage): storage is Storage & BatchAppend {
  return typeof (storage as Partial<BatchAppend>).appendMany === 'function'
}

/** Whether `storage` commits appends (and compactions) off the loop (AsyncAppend). */
export function canStartAppend(storage: Storage): storage is Storage & AsyncAppend {
  return typeof (storage as Partial<AsyncAppend>).startAppendMany === 'function'
}
