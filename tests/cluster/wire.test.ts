// The messages servers exchange over Redis: every kind round-trips, and malformed or hostile bytes
// decode to null (dropped by the bus with a log line), never to an exception or a half-read message.

import { describe, expect, it } from 'vitest'
import * as encoding from 'lib0/encoding'
import { decodeMessage, encodeMessage, MAX_FORWARD_BATCH, type ForwardItem, type WireMessage } from '../../server/cluster/wire.ts'

const update = new Uint8Array([0, 0])
const samples: WireMessage[] = [
  { type: 'forward', server: 's1', items: [{ seq: 7, connId: 3, tokenId: 'abc123', earlierPending: true, update }] },
  {
    type: 'forward',
    server: 's1',
    items: [
      { seq: 8, connId: 3, tokenId: 'abc123', earlierPending: true, update },
      { seq: 11, connId: 5, tokenId: 'def456', earlierPending: false, update: new Uint8Array([1, 2, 3]) }
    ]
  },
  { type: 'local', server: 's1', seq: 8, by: { tokenId: 't1', role: 'secretariat', delegation: null, identity: 'token:t1' }, update },
  { type: 'accepted', server: 's2', fence: 4, prev: 10, upto: 12, update },
  { type: 'holder', server: 's2', fence: 4, upto: 12 },
  { type: 'awareness', server: 's3', update },
  { type: 'ack', doc: 'astana-statement', seqs: [1, 2, 3] },
  { type: 'send', doc: 'astana-statement', connId: 9, data: new Uint8Array([1, 2]) },
  { type: 'close', doc: 'astana-statement', connId: 9, code: 4409, reason: 'refused' },
  { type: 'revoke', tokenId: 'abc123', reason: 'token revoked' },
  { type: 'docmeta', doc: 'astana-statement' }
]

function raw(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder()
  write(e)
  return encoding.toUint8Array(e)
}

const item = (seq: number): ForwardItem => ({ seq, connId: 1, tokenId: 't', earlierPending: false, update })

// A forward's header, then `items` written by hand.
function forward(count: number, items: (e: encoding.Encoder) => void): Uint8Array {
  return raw((e) => { encoding.writeVarString(e, 'forward'); encoding.writeVarString(e, 's'); encoding.writeVarUint(e, count); items(e) })
}

describe('cluster wire messages', () => {
  it.each(samples.map((m, i) => [`${m.type} #${i}`, m] as const))('round-trips %s', (_type, m) => {
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
      ['a visibility change of a document named with a slash', raw((e) => { encoding.writeVarString(e, 'docmeta'); encoding.writeVarString(e, '../etc') })],
      ['a server-made change claiming the role "god"', encodeMessage({ type: 'local', server: 's', seq: 1, by: { tokenId: null, role: 'god' as never, delegation: null, identity: 'x' }, update })],
      ['a server-made change whose attribution is not JSON', raw((e) => { encoding.writeVarString(e, 'local'); encoding.writeVarString(e, 's'); encoding.writeVarUint(e, 1); encoding.writeVarString(e, '{nope'); encoding.writeVarUint8Array(e, update) })]
    ]
    for (const [what, bytes] of hostile) expect(decodeMessage(bytes), what).toBeNull()
  })

  it('takes a forward of up to MAX_FORWARD_BATCH updates and drops a hostile one', () => {
    const full = Array.from({ length: MAX_FORWARD_BATCH }, (_, i) => item(i + 1))
    expect(decodeMessage(encodeMessage({ type: 'forward', server: 's', items: full }))).toEqual({ type: 'forward', server: 's', items: full })
    const hostile: [string, Uint8Array][] = [
      ['no updates', encodeMessage({ type: 'forward', server: 's', items: [] })],
      ['one update more than the bound', encodeMessage({ type: 'forward', server: 's', items: [...full, item(MAX_FORWARD_BATCH + 1)] })],
      ['four billion updates announced', forward(2 ** 32, () => {})],
      ['two updates announced, one sent', forward(2, (e) => { encoding.writeVarUint(e, 1); encoding.writeVarUint(e, 1); encoding.writeVarString(e, 't'); encoding.writeUint8(e, 0); encoding.writeVarUint8Array(e, update) })],
      ['an update cut in its bytes', encodeMessage({ type: 'forward', server: 's', items: [item(1), { ...item(2), update: new Uint8Array(50) }] }).slice(0, -10)],
      ['sequence numbers repeated', encodeMessage({ type: 'forward', server: 's', items: [item(3), item(3)] })],
      ['sequence numbers going backwards', encodeMessage({ type: 'forward', server: 's', items: [item(5), item(4)] })],
      ['an empty token id inside the batch', encodeMessage({ type: 'forward', server: 's', items: [item(1), { ...item(2), tokenId: '' }] })],
      ['a token id of 201 characters', encodeMessage({ type: 'forward', server: 's', items: [{ ...item(1), tokenId: 'x'.repeat(201) }] })],
      ['an earlier-pending flag that is not 0 or 1', forward(1, (e) => { encoding.writeVarUint(e, 1); encoding.writeVarUint(e, 1); encoding.writeVarString(e, 't'); encoding.writeUint8(e, 7); encoding.writeVarUint8Array(e, update) })],
      ['an update announcing more bytes than follow', forward(1, (e) => { encoding.writeVarUint(e, 1); encoding.writeVarUint(e, 1); encoding.writeVarString(e, 't'); encoding.writeUint8(e, 0); encoding.writeVarUint(e, 1_000_000); encoding.writeUint8(e, 0) })],
      ['a valid batch with trailing bytes', new Uint8Array([...encodeMessage(samples[1]), 0])],
      ['an empty server id', encodeMessage({ type: 'forward', server: '', items: [item(1)] })]
    ]
    for (const [what, bytes] of hostile) expect(decodeMessage(bytes), what).toBeNull()
  })
})
