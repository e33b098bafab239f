import { afterEach, describe, expect, it } from 'vitest'
import { CloseCode, MessageType } from '../../shared/protocol.ts'
import { addParagraph, cleanupDirs, closed, connect, content, destroyAll, opened, rawSocket, start, synced, token, waitFor } from './helpers.ts'

afterEach(cleanupDirs)

describe('bad frames close only their own socket', () => {
  it('with 1009 over 1 MiB, 1003 for text and unknown types, 1002 when truncated', async () => {
    const server = await start()
    const ind = connect(server, token(server, 'delegation', 'IND'))
    await synced(ind)
    const tok = token(server, 'delegation', 'CHN')
    const cases: [string, Uint8Array | string, number][] = [
      ['oversize', new Uint8Array(1024 * 1024 + 1), CloseCode.messageTooBig],
      ['text', 'hello', CloseCode.unsupportedData],
      ['unknown type', Uint8Array.from([9, 0]), CloseCode.unsupportedData],
      ['unknown sync type', Uint8Array.from([MessageType.sync, 7, 0]), CloseCode.unsupportedData],
      ['truncated', Uint8Array.from([MessageType.sync, 2, 50, 1, 2]), CloseCode.protocolError],
      ['empty', new Uint8Array(0), CloseCode.protocolError],
      ['undecodable update', Uint8Array.from([MessageType.sync, 2, 3, 5, 0xff, 0xff]), CloseCode.protocolError]
    ]
    for (const [what, data, code] of cases) {
      const ws = rawSocket(server, tok)
      await opened(ws)
      const closing = closed(ws)
      ws.send(data)
      expect((await closing).code, what).toBe(code)
    }
    // Just under the limit is accepted as a frame (and refused as a message, not as a size).
    const ws = rawSocket(server, tok)
    await opened(ws)
    const closing = closed(ws)
    const big = new Uint8Array(1024 * 1024 - 16)
    big[0] = 9 // an unknown message type
    ws.send(big)
    expect((await closing).code).toBe(CloseCode.unsupportedData)

    addParagraph(ind.doc, 'still editing')
    await waitFor(() => content(server.hub.rooms.get('astana-statement')!.ydoc).includes('still editing'), 'other client unaffected')
    expect(ind.wsconnected).toBe(true)
    expect(await server.metrics.render()).toMatch(/podium_connections_closed_total\{code="1009"\} 1/)
    destroyAll(ind)
    await server.close()
  })
})
