// The messages servers exchange over Redis: every kind round-trips, and malformed or hostile bytes
// decode to null (dropped by the bus with a log line), never to an exception or a half-read message.

import { describe, expect, it } from 'vitest'
import * as encoding from 'lib0/encoding'
import { decodeMessage, encodeMessage, type WireMessage } from '../../server/cluster/wire.ts'

const update = new Uint8Array([0, 0])
const samples: WireMessage[] = [
  { type: 'forward', server: 's1', seq: 7, connId: 3, tokenId: 'abc123', earlierPending: true, update },
  { type: 'local', server: 's1', seq: 8, by: { tokenId: 't1', role: 'secretariat', delegation: null, identity: 'token:t1' }, update },
  { type: 'accepted', server: 's2', fence: 4, prev: 10, upto: 12, update },
  { type: 'holder', server: 's2', fence: 4, upto: 12 },
  { type: 'awareness', server: 's3', update },
  { type: 'ack', doc: 'astana-statement', seqs: [1, 2, 3] },
  { type: 'send', doc: 'astana-statement', connId: 9, data: new Uint8Array([1, 2]) },
  { type: 'close', doc: 'astana-statement', connId: 9, code: 4409, reason: 'refused' },
  { type: 'revoke', tokenId: 'abc123', reason: 'token revoked' }
]

function raw(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder()
  write(e)
  return encoding.toUint8Array(e)
}

describe('cluster wire messages', () => {
  it.each(samples.map((m) => [m.type, m] as const))('round-trips %s', (_type, m) => {
    expect(decodeMessage(encodeMessage(m))).toEqual(m)
  })

  it('drops what is not a well-formed message', () => {
    const hostile: [string, Uint8Array][] = [
      ['empty', new Uint8Array()],
      ['an unknown type', raw((e) => encoding.writeVarString(e, 'drop-tables'))],
      ['truncated', encodeMessage(samples[0]).slice(0, 6)],
      ['trailing bytes', new Uint8Array([...encodeMessage(samples[3]), 0])],
      ['a document name with a slash', raw((e) => { encoding.writeVarString(e, 'ack'); encoding.writeVarString(e, '../etc'); encoding.writeVarUint(e, 0) })],
      ['a million acknowledgements announced', raw((e) => { encoding.writeVarString(e, 'ack'); encoding.writeVarString(e, 'd'); encoding.writeVarUint(e, 1_000_000) })],
      ['a close code out of range', raw((e) => { encoding.writeVarString(e, 'close'); encoding.writeVarString(e, 'd'); encoding.writeVarUint(e, 1); encoding.writeVarUint(e, 99); encoding.writeVarString(e, 'x') })],
      ['accepted ids going backwards', encodeMessage({ type: 'accepted', server: 's', fence: 1, prev: 9, upto: 9, update })],
      ['an empty server id', encodeMessage({ type: 'holder', server: '', fence: 1, upto: 1 })],
      ['a server-made change claiming the role "god"', encodeMessage({ type: 'local', server: 's', seq: 1, by: { tokenId: null, role: 'god' as never, delegation: null, identity: 'x' }, update })],
      ['a server-made change whose attribution is not JSON', raw((e) => { encoding.writeVarString(e, 'local'); encoding.writeVarString(e, 's'); encoding.writeVarUint(e, 1); encoding.writeVarString(e, '{nope'); encoding.writeVarUint8Array(e, update) })]
    ]
    for (const [what, bytes] of hostile) expect(decodeMessage(bytes), what).toBeNull()
  })
})
