// A large Yjs update cut into small ones that, applied in order, build the same document with no
// struct ever waiting for another (no pending structs): a worker cuts a 50 MB stored state, and the
// sync loop applies one piece per turn instead of stalling a second on the whole.

import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'

type Struct = Y.Item | Y.GC | Y.Skip
interface Ref { client: number; clock: number }

// What a struct needs in the document before it can be integrated: its left and right origins and
// its parent (when the parent is a nested type, named by the id of the item holding it).
function dependencies(s: Struct): Ref[] {
  if (!(s instanceof Y.Item)) return []
  const out: Ref[] = []
  if (s.origin) out.push(s.origin)
  if (s.rightOrigin) out.push(s.rightOrigin)
  const parent = s.parent as unknown
  if (parent instanceof Y.ID) out.push(parent)
  return out
}

// Bytes a struct takes in an update, roughly: its content dominates (strings, embedded JSON).
function weight(s: Struct): number {
  if (!(s instanceof Y.Item)) return 8
  const c = s.content as { str?: string; arr?: unknown[]; embed?: unknown; getLength(): number }
  if (typeof c.str === 'string') return 16 + c.str.length * 3
  if (Array.isArray(c.arr)) return 16 + JSON.stringify(c.arr).length
  return 16 + c.getLength()
}

// A V1 delete set (as Yjs writes it): clients, each with its ranges of deleted clocks.
function writeDeleteSet(encoder: Y.UpdateEncoderV1, ds: { clients: Map<number, { clock: number; len: number }[]> } | null): void {
  const clients = ds ? [...ds.clients].filter(([, items]) => items.length > 0) : []
  encoding.writeVarUint(encoder.restEncoder, clients.length)
  for (const [client, items] of clients) {
    encoding.writeVarUint(encoder.restEncoder, client)
    encoding.writeVarUint(encoder.restEncoder, items.length)
    for (const { clock, len } of items) {
      encoding.writeVarUint(encoder.restEncoder, clock)
      encoding.writeVarUint(encoder.restEncoder, len)
    }
  }
}

function encodePiece(piece: Map<number, Struct[]>, ds: Parameters<typeof writeDeleteSet>[1]): Uint8Array {
  const encoder = new Y.UpdateEncoderV1()
  encoding.writeVarUint(encoder.restEncoder, piece.size)
  for (const [client, structs] of piece) {
    encoding.writeVarUint(encoder.restEncoder, structs.length)
    encoder.writeClient(client)
    encoding.writeVarUint(encoder.restEncoder, structs[0].id.clock)
    for (const s of structs) s.write(encoder, 0)
  }
  writeDeleteSet(encoder, ds)
  return encoder.toUint8Array()
}

/**
 * Cuts a V1 update into updates of about `maxBytes` each (a single struct larger than that is a piece
 * of its own). Applying them in order to an empty document gives the document `update` gives, and
 * each piece's structs depend only on structs of the same or earlier pieces; the delete set comes
 * with the last piece. Structs whose dependencies are not in the update come last, as they are.
 */
export function splitUpdate(update: Uint8Array, maxBytes: number): Uint8Array[] {
  if (!(maxBytes > 0)) throw new RangeError(`maxBytes ${maxBytes} is not a positive number`)
  const { structs, ds } = Y.decodeUpdate(update) as unknown as { structs: Struct[]; ds: Parameters<typeof writeDeleteSet>[1] }
  const byClient = new Map<number, Struct[]>()
  for (const s of structs) {
    const list = byClient.get(s.id.client)
    if (list) list.push(s)
    else byClient.set(s.id.client, [s])
  }
  // The next clock each client has reached in the pieces so far (clients start where their first struct does).
  const reached = new Map<number, number>()
  const next = new Map<number, number>()
  for (const [client, list] of byClient) {
    list.sort((a, b) => a.id.clock - b.id.clock)
    reached.set(client, list[0].id.clock)
    next.set(client, 0)
  }
  const satisfied = (ref: Ref) => {
    const at = reached.get(ref.client)
    // A client absent from the update is taken as already there (nothing here can supply it).
    return at === undefined || ref.clock < at
  }
  const pieces: Uint8Array[] = []
  let piece = new Map<number, Struct[]>()
  let size = 0
  let count = 0
  const take = (s: Struct) => {
    const list = piece.get(s.id.client)
    if (list) list.push(s)
    else piece.set(s.id.client, [s])
    reached.set(s.id.client, s.id.clock + s.length)
    size += weight(s)
    if (size >= maxBytes || ++count >= STRUCTS_PER_PIECE) {
      pieces.push(encodePiece(piece, null))
      piece = new Map()
      size = 0
      count = 0
    }
  }
  let remaining = structs.length
  while (remaining > 0) {
    let progressed = false
    for (const [client, list] of byClient) {
      let i = next.get(client)!
      while (i < list.length && dependencies(list[i]).every(satisfied)) {
        take(list[i++])
        remaining--
        progressed = true
      }
      next.set(client, i)
    }
    if (!progressed) {
      // Dependencies missing from the update: what is left goes as it is (Yjs keeps it pending, as it would the whole).
      for (const [client, list] of byClient) {
        for (let i = next.get(client)!; i < list.length; i++) take(list[i])
        next.set(client, list.length)
      }
      remaining = 0
    }
  }
  // The delete set last, in pieces of a few ranges: deleting costs the loop far more per byte than
  // integrating (a text edited word by word: ~80 µs a range, 1,080 ranges in 21 KB, 85 ms in one turn).
  if (piece.size > 0) pieces.push(encodePiece(piece, null))
  for (const chunk of splitDeleteSet(ds, DELETE_RANGES_PER_PIECE)) pieces.push(encodePiece(new Map(), chunk))
  if (pieces.length === 0) pieces.push(encodePiece(piece, null))
  return pieces
}

/**
 * Structs in one piece at most, whatever their bytes: integrating costs the loop per struct (3–10 µs),
 * and a text edited word by word holds ~70 in a KB, so that a piece cut by bytes alone took 15–37 ms.
 */
export const STRUCTS_PER_PIECE = 1000

/** Ranges of the delete set carried by one piece (each costs the loop tens of µs to apply). */
export const DELETE_RANGES_PER_PIECE = 16

type DeleteSet = NonNullable<Parameters<typeof writeDeleteSet>[1]>

// The delete set cut into delete sets of at most `ranges` ranges each (applying them all deletes the same).
function splitDeleteSet(ds: DeleteSet | null, ranges: number): DeleteSet[] {
  const out: DeleteSet[] = []
  let current = new Map<number, { clock: number; len: number }[]>()
  let n = 0
  for (const [client, items] of ds?.clients ?? []) {
    for (const item of items) {
      const list = current.get(client)
      if (list) list.push(item)
      else current.set(client, [item])
      if (++n === ranges) {
        out.push({ clients: current })
        current = new Map()
        n = 0
      }
    }
  }
  if (n > 0) out.push({ clients: current })
  return out
}
