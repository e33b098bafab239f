// A roster edited from the meeting home reaches every open page at once: the server pushes the new
// revision (MessageType.rosterRevision) over each document socket, instead of thousands of pages
// asking every few seconds. The message is the server's only: a client sending it is closed 1003.

import { afterEach, describe, expect, it } from 'vitest'
import * as decoding from 'lib0/decoding'
import { CloseCode, MessageType } from '../../shared/protocol.ts'
import type { RunningServer } from '../../server/index.ts'
import { cleanupDirs, closed, opened, rawSocket, start, token } from './helpers.ts'

let server: RunningServer | null = null
afterEach(async () => {
  await server?.close()
  server = null
  cleanupDirs()
})

/** The roster revisions a raw socket is pushed, in order. */
function pushedRevisions(ws: import('ws').WebSocket): number[] {
  const seen: number[] = []
  ws.on('message', (data: Buffer) => {
    const decoder = decoding.createDecoder(new Uint8Array(data))
    if (decoding.readVarUint(decoder) === MessageType.rosterRevision) seen.push(decoding.readVarUint(decoder))
  })
  return seen
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe('roster changes pushed to open pages', () => {
  it('pushes the new revision to every socket (delegation and observer) within a second of the edit', async () => {
    server = await start()
    const delegation = rawSocket(server, token(server, 'delegation', 'CHN'))
    const observer = rawSocket(server, token(server, 'observer'))
    const toDelegation = pushedRevisions(delegation)
    const toObserver = pushedRevisions(observer)
    await Promise.all([opened(delegation), opened(observer)])
    await new Promise((r) => setTimeout(r, 100))
    expect(toDelegation).toEqual([])

    const sec = token(server, 'secretariat')
    const res = await fetch(`${server.url}/api/roster`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sec}`, 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'KAZ', name: 'Kazakhstan', colour: '#00afca' })
    })
    expect(res.status).toBe(201)
    const { revision } = (await (await fetch(`${server.url}/api/roster`, { headers: { authorization: `Bearer ${sec}` } })).json()) as { revision: number }
    await until(() => toDelegation.length > 0 && toObserver.length > 0, 1000, 'the push to both sockets')
    expect(toDelegation).toEqual([revision])
    expect(toObserver).toEqual([revision])

    // A refused edit (a taken code) changes nothing and pushes nothing.
    const taken = await fetch(`${server.url}/api/roster`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sec}`, 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'KAZ', name: 'again', colour: '#00afca' })
    })
    expect(taken.status).toBe(409)
    await new Promise((r) => setTimeout(r, 200))
    expect(toDelegation).toEqual([revision])
    delegation.close()
    observer.close()
  })

  it('closes a client that sends the server\'s roster message (1003), and nobody else hears of it', async () => {
    server = await start()
    const hostile = rawSocket(server, token(server, 'delegation', 'IND'))
    const other = rawSocket(server, token(server, 'delegation', 'CHN'))
    const toOther = pushedRevisions(other)
    await Promise.all([opened(hostile), opened(other)])
    const shut = closed(hostile)
    hostile.send(Uint8Array.from([MessageType.rosterRevision, 99]))
    expect((await shut).code).toBe(CloseCode.unsupportedData)
    await new Promise((r) => setTimeout(r, 200))
    expect(toOther).toEqual([])
    other.close()
  })
})
