import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import type { WebSocket } from 'ws'
import { MessageType } from '../../shared/protocol.ts'
import { newYDoc, readDocFromY } from '../../shared/ydoc.ts'
import { addParagraph, cleanupDirs, connect, content, destroyAll, opened, rawSocket, start, synced, token, waitFor } from './helpers.ts'

afterEach(cleanupDirs)

// mulberry32: a small seeded PRNG, so every run sends the same frames.
function prng(seed: number): () => number {
  return () => {
    seed |= 0
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function frame(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder()
  write(e)
  return encoding.toUint8Array(e)
}

describe('a thousand random and malformed frames', () => {
  it('leave the server up, the document intact, and other clients editing', async () => {
    const server = await start({ limits: { upgradeBurst: 5000, upgradesPerSecond: 5000, messageBurst: 10_000, messagesPerSecond: 10_000 } })
    const a = connect(server, token(server, 'delegation', 'IND'))
    const b = connect(server, token(server, 'delegation', 'CHN'))
    await Promise.all([synced(a), synced(b)])
    const fuzzTokens = [token(server, 'delegation', 'PAK'), token(server, 'observer'), token(server, 'secretariat')]

    // A real update to truncate and to wrap in wrong headers.
    const donor = newYDoc()
    addParagraph(donor, 'donor paragraph that should never arrive whole')
    const update = Y.encodeStateAsUpdate(donor)
    const valid = frame((e) => { encoding.writeVarUint(e, MessageType.sync); syncProtocol.writeUpdate(e, update) })
    const query = frame((e) => encoding.writeVarUint(e, MessageType.queryAwareness))

    const rand = prng(20221004)
    const int = (n: number) => Math.floor(rand() * n)
    const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(256))
    const makers: (() => Uint8Array | string)[] = [
      () => bytes(int(64)),
      () => valid.subarray(0, 1 + int(valid.length - 1)), // truncated
      () => Uint8Array.from([...valid, ...bytes(1 + int(8))]), // trailing bytes
      () => Uint8Array.from([MessageType.sync, 3 + int(250), ...bytes(int(16))]), // unknown sync type
      () => Uint8Array.from([4 + int(200), ...bytes(int(16))]), // unknown message type
      () => Uint8Array.from([MessageType.sync, int(3), ...bytes(int(32))]), // random sync payload
      () => frame((e) => { encoding.writeVarUint(e, MessageType.awareness); encoding.writeVarUint8Array(e, bytes(int(24))) }),
      () => frame((e) => {
        encoding.writeVarUint(e, MessageType.awareness)
        const inner = frame((i) => { encoding.writeVarUint(i, 1); encoding.writeVarUint(i, int(1e6)); encoding.writeVarUint(i, 1); encoding.writeVarString(i, '{"user": broken') })
        encoding.writeVarUint8Array(e, inner)
      }),
      () => Uint8Array.from([MessageType.auth, 0, 5, 104, 105]), // clients must not send auth
      () => 'a text frame',
      () => Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])
    ]

    let ws: WebSocket | null = null
    let closes = 0
    for (let i = 0; i < 1000; i++) {
      if (!ws || ws.readyState !== ws.OPEN) {
        ws = rawSocket(server, fuzzTokens[i % fuzzTokens.length])
        ws.on('error', () => {})
        await opened(ws)
      }
      const socket = ws
      // Each frame is followed by a query: either the socket closes or the server answers it.
      const outcome = new Promise<'closed' | 'answered'>((resolve) => {
        const onMessage = (data: Buffer) => {
          if (data[0] === MessageType.awareness) done('answered')
        }
        const onClose = () => done('closed')
        const done = (r: 'closed' | 'answered') => {
          socket.off('message', onMessage)
          socket.off('close', onClose)
          resolve(r)
        }
        socket.on('message', onMessage)
        socket.on('close', onClose)
      })
      socket.send(makers[int(makers.length)]())
      socket.send(query)
      if ((await outcome) === 'closed') closes++
      if (i % 50 === 0) {
        addParagraph(a.doc, `IND during fuzz ${i}`)
        addParagraph(b.doc, `CHN during fuzz ${i}`)
      }
    }
    ws?.terminate()
    expect(closes).toBeGreaterThan(500)

    addParagraph(a.doc, 'IND after fuzz')
    const room = server.hub.rooms.get('astana-statement')!
    await waitFor(() => content(a.doc) === content(b.doc) && content(room.ydoc) === content(a.doc) && content(a.doc).includes('IND after fuzz'), 'honest clients converge with the server')
    expect(content(a.doc)).toContain('CHN during fuzz 950')
    expect(content(room.ydoc)).not.toContain('donor paragraph')
    expect(readDocFromY(room.ydoc).textContent).toContain('DRAFT ASTANA STATEMENT ON CICA TRANSFORMATION')
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    const late = connect(server, token(server, 'observer'))
    await synced(late)
    expect(content(late.doc)).toBe(content(a.doc))
    destroyAll(a, b, late)
    donor.destroy()
    await server.close()
  })
})
