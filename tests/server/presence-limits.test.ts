// Presence limits: one's own entry only, 4 KB per entry, a rate per connection; abuse closes 1008.
import { afterEach, describe, expect, it } from 'vitest'
import { CloseCode } from '../../shared/protocol.ts'
import { awarenessFrame, cleanupDirs, closed, connect, destroyAll, opened, rawSocket, start, synced, token, waitFor } from './helpers.ts'

afterEach(cleanupDirs)

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('presence limits', () => {
  it('drops an entry over 4 KB, and keeps the next small one', async () => {
    const server = await start()
    const ws = rawSocket(server, token(server, 'delegation', 'CHN'))
    await opened(ws)
    const big = JSON.stringify({ cursor: null, pad: 'x'.repeat(5 * 1024) })
    ws.send(awarenessFrame([[777, 1, big]]))
    await sleep(200)
    const room = server.hub.rooms.get('astana-statement')!
    expect(room.awareness.getStates().has(777)).toBe(false)
    ws.send(awarenessFrame([[777, 2, JSON.stringify({ cursor: null })]]))
    await waitFor(() => room.awareness.getStates().has(777), 'the small entry')
    ws.close()
    await server.close()
  })

  it('refuses an entry for another connection\'s client ID, and its removal', async () => {
    const server = await start()
    const ind = connect(server, token(server, 'delegation', 'IND'))
    const watcher = connect(server, token(server, 'observer'))
    await Promise.all([synced(ind), synced(watcher)])
    ind.awareness.setLocalStateField('cursor', null)
    const victim = ind.doc.clientID
    await waitFor(() => watcher.awareness.getStates().has(victim), 'the watcher sees IND')
    const ws = rawSocket(server, token(server, 'delegation', 'CHN'))
    await opened(ws)
    ws.send(awarenessFrame([[victim, 10_000, JSON.stringify({ user: { name: 'IND', role: 'delegation', delegation: 'IND', color: '#e07000' }, cursor: null, forged: true })]]))
    ws.send(awarenessFrame([[victim, 10_001, 'null']]))
    // Its own first entry binds the connection to that client ID; another one after it is refused too.
    ws.send(awarenessFrame([[888, 1, JSON.stringify({ cursor: null })]]))
    ws.send(awarenessFrame([[889, 1, JSON.stringify({ cursor: null })]]))
    await waitFor(() => watcher.awareness.getStates().has(888), 'CHN\'s own entry')
    await sleep(200)
    const room = server.hub.rooms.get('astana-statement')!
    expect(room.awareness.meta.get(victim)!.clock).toBeLessThan(10_000)
    expect(watcher.awareness.getStates().get(victim)).toEqual({ user: { name: 'IND', color: '#e07000', role: 'delegation', delegation: 'IND' }, cursor: null })
    expect(watcher.awareness.getStates().has(889)).toBe(false)
    expect((watcher.awareness.getStates().get(888) as { user: { delegation: string } }).user.delegation).toBe('CHN')
    // Its own removal is allowed.
    ws.send(awarenessFrame([[888, 2, 'null']]))
    await waitFor(() => !watcher.awareness.getStates().has(888), 'CHN\'s removal')
    ws.close()
    destroyAll(ind, watcher)
    await server.close()
  })

  it('rate-limits a flood of awareness updates and closes the flooding connection 1008', async () => {
    const server = await start()
    const watcher = connect(server, token(server, 'observer'))
    await synced(watcher)
    let seen = 0
    watcher.awareness.on('update', ({ updated, added }: { updated: number[]; added: number[] }) => {
      if (updated.includes(999) || added.includes(999)) seen++
    })
    const ws = rawSocket(server, token(server, 'delegation', 'CHN'))
    await opened(ws)
    const closing = closed(ws)
    for (let i = 1; i <= 400; i++) ws.send(awarenessFrame([[999, i, JSON.stringify({ cursor: null, n: i })]]))
    const { code } = await closing
    expect(code).toBe(CloseCode.policyViolation)
    await sleep(200)
    // The burst (50) and what the rate refilled meanwhile went through; the rest was dropped.
    expect(seen).toBeGreaterThan(0)
    expect(seen).toBeLessThanOrEqual(60)
    const clock = server.hub.rooms.get('astana-statement')?.awareness.meta.get(999)?.clock ?? 0
    expect(clock).toBeLessThanOrEqual(60)
    // Other connections are unaffected.
    expect(watcher.wsconnected).toBe(true)
    destroyAll(watcher)
    await server.close()
  })

  it('closes 1002 for bytes that are not an awareness update', async () => {
    const server = await start()
    const ws = rawSocket(server, token(server, 'delegation', 'CHN'))
    await opened(ws)
    const closing = closed(ws)
    ws.send(new Uint8Array([1, 3, 1, 5, 200]))
    expect((await closing).code).toBe(CloseCode.protocolError)
    await server.close()
  })
})
