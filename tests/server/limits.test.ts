import { afterEach, describe, expect, it } from 'vitest'
import * as encoding from 'lib0/encoding'
import type { WebSocket } from 'ws'
import { CloseCode, MessageType } from '../../shared/protocol.ts'
import { addParagraph, cleanupDirs, closed, connect, content, destroyAll, opened, rawSocket, start, synced, token, waitFor } from './helpers.ts'

afterEach(cleanupDirs)

const query = (() => {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.queryAwareness)
  return encoding.toUint8Array(e)
})()

describe('rate limits and back-pressure', () => {
  it('close a token over its message rate with 1013', async () => {
    const server = await start({ limits: { messagesPerSecond: 5, messageBurst: 20 } })
    const ws = rawSocket(server, token(server, 'delegation', 'IND'))
    await opened(ws)
    const closing = closed(ws)
    for (let i = 0; i < 40; i++) ws.send(query)
    expect((await closing).code).toBe(CloseCode.tryAgainLater)
    await server.close()
  })

  it('refuse connections over the per-token limit with 1013, and upgrades over the per-address limit before authentication', async () => {
    const server = await start({ limits: { connectionsPerToken: 2, upgradeBurst: 6, upgradesPerSecond: 0.001 } })
    const tok = token(server, 'delegation', 'IND')
    const keep: WebSocket[] = [rawSocket(server, tok), rawSocket(server, tok)]
    await Promise.all(keep.map(opened))
    await waitFor(() => server.hub.connections === 2, 'two connections')
    expect((await closed(rawSocket(server, tok))).code).toBe(CloseCode.tryAgainLater)
    // Upgrades with a valid token are limited per token, not per address: the address still has its
    // burst of six for token-less attempts, then they are refused 1013 — and a valid token still gets in.
    const results = []
    for (let i = 0; i < 7; i++) results.push((await closed(rawSocket(server, null))).code)
    expect(results).toEqual([...Array(6).fill(CloseCode.unauthorized), CloseCode.tryAgainLater])
    keep.push(rawSocket(server, token(server, 'delegation', 'CHN')))
    await opened(keep[2])
    for (const ws of keep) ws.close()
    await server.close()
  })

  it('close a client that stops reading (1013) without slowing the others', async () => {
    // The writer's megabytes would otherwise be paced by the byte-rate quota (resilience-quota.test.ts).
    const server = await start({ limits: { maxBufferedBytes: 64 * 1024, docBytesPerSecond: 1e9, docBytesBurst: 1e9, senderBytesPerSecond: 1e9, senderBytesBurst: 1e9 } })
    const slow = rawSocket(server, token(server, 'observer'))
    await opened(slow)
    await waitFor(() => server.hub.connections === 1, 'slow connected')
    // Stop reading: the kernel buffers fill, then the server's send buffer grows.
    ;(slow as unknown as { _socket: { pause(): void } })._socket.pause()
    const writer = connect(server, token(server, 'delegation', 'IND'))
    const reader = connect(server, token(server, 'delegation', 'CHN'))
    await Promise.all([synced(writer), synced(reader)])
    const big = 'x'.repeat(256 * 1024)
    for (let i = 0; i < 60 && server.metrics.counters.closes.get(CloseCode.tryAgainLater) === undefined; i++) {
      addParagraph(writer.doc, `${i} ${big}`)
      await new Promise((r) => setTimeout(r, 5))
    }
    await waitFor(() => server.metrics.counters.closes.get(CloseCode.tryAgainLater) === 1, 'slow client closed')
    await waitFor(() => server.hub.connections === 2, 'slow client gone')
    addParagraph(writer.doc, 'after the slow one')
    await waitFor(() => content(reader.doc) === content(writer.doc) && content(reader.doc).includes('after the slow one'), 'others carry on')
    slow.terminate()
    destroyAll(writer, reader)
    await server.close()
  })
})
