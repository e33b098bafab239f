// The worker half of loading and compacting large documents (sync/room-load.ts): read from the
// worker's own connection to podium.db, merged, cut into pieces and encoded here, never on the loop.

import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import { MessageType } from '../../shared/protocol.ts'
import type { Reply } from '../http/respond.ts'
import type { Storage } from '../storage/types.ts'
import type { PreparedDoc } from '../sync/room-load.ts'
import { splitUpdate } from './split-update.ts'

/** The JSON half of a loadRoom reply; the pieces travel packed (packPieces), the answer as its bytes. */
export interface LoadRoomJson {
  upto: number
  owners: [number, string][]
  /** The state vector and the pieces, packed (transferred, not copied). */
  packed: Uint8Array
}

function packPieces(vector: Uint8Array, pieces: Uint8Array[]): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint8Array(e, vector)
  encoding.writeVarUint(e, pieces.length)
  for (const p of pieces) encoding.writeVarUint8Array(e, p)
  return encoding.toUint8Array(e)
}

/** Reads a loadRoom reply back into a PreparedDoc (views into the transferred buffers, no copies). */
export function unpackPrepared(json: LoadRoomJson, answer: Uint8Array): PreparedDoc {
  const d = decoding.createDecoder(json.packed)
  const vector = decoding.readVarUint8Array(d)
  const pieces: Uint8Array[] = []
  for (let n = decoding.readVarUint(d); n > 0; n--) pieces.push(decoding.readVarUint8Array(d))
  return { upto: json.upto, owners: new Map(json.owners), vector, answer, pieces }
}

/** Prepares document `doc` for a room: 404 when there is none; IntegrityError (a changed state) is thrown. */
export function loadRoom(storage: Storage, doc: string, pieceBytes: number): Reply {
  const loaded = storage.load(doc)
  if (!loaded) return { status: 404, json: { error: `no document named ${doc}` } }
  const state = loaded.updates.length === 1 ? loaded.updates[0] : Y.mergeUpdates(loaded.updates)
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.sync)
  encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2)
  encoding.writeVarUint8Array(e, state)
  const answer = encoding.toUint8Array(e)
  const json: LoadRoomJson = { upto: loaded.upto, owners: [...loaded.owners], packed: packPieces(Y.encodeStateVectorFromUpdate(state), splitUpdate(state, pieceBytes)) }
  return { status: 200, json, bytes: answer as Buffer }
}

/**
 * Compacts document `doc`: the merge runs outside any write transaction, so the loop's appends never
 * wait for it; storage keeps the merge only when nobody appended meanwhile (else the next one does it).
 * `structs` (the room's count) is stored with the state as its load cost; not counted here (that would decode it).
 */
export function compactRoom(storage: Storage, doc: string, structs?: number): Reply {
  const loaded = storage.load(doc)
  if (!loaded || loaded.updates.length < 2) return { status: 200, json: { rows: 0 } }
  const merged = Y.mergeUpdates(loaded.updates)
  // Appended meanwhile: storage would merge the rows itself inside its write lock; leave it to the next time.
  if (storage.lastUpdateId(doc) !== loaded.upto) return { status: 200, json: { rows: 0 } }
  return { status: 200, json: { rows: storage.compact(doc, { upto: loaded.upto, encode: () => merged, structs }) } }
}
