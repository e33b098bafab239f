// Presence cannot lie: role, delegation, name and colour come from the token; only known fields are kept.
import { afterEach, describe, expect, it } from 'vitest'
import { awarenessFrame, cleanupDirs, connect, destroyAll, opened, rawSocket, start, synced, token, waitFor } from './helpers.ts'

afterEach(cleanupDirs)

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const cursor = { anchor: { type: { client: 1, clock: 2 }, tname: null, item: { client: 3, clock: 4 }, assoc: 0 }, head: { item: { client: 3, clock: 5 }, assoc: -1 } }

describe('presence bound to the token', () => {
  it('a delegation claiming to be the secretariat, with CSS in its colour, is shown as itself in its roster colour', async () => {
    const server = await start()
    const watcher = connect(server, token(server, 'observer'))
    await synced(watcher)
    const ws = rawSocket(server, token(server, 'delegation', 'IND'))
    await opened(ws)
    const forged = JSON.stringify({
      user: { name: 'SECRETARIAT', role: 'secretariat', delegation: null, color: '#000; background: url(https://evil.example/x)' },
      cursor,
      extra: 'x'.repeat(100),
      __proto__: { polluted: 'yes' },
      constructor: { prototype: { polluted: 'yes' } }
    }).replace('"extra"', '"__proto__":{"polluted":"yes"},"extra"')
    ws.send(awarenessFrame([[4242, 1, forged]]))
    await waitFor(() => watcher.awareness.getStates().has(4242), 'the watcher sees the presence')
    const state = watcher.awareness.getStates().get(4242) as Record<string, unknown>
    expect(state.user).toEqual({ name: 'IND', color: '#e07000', role: 'delegation', delegation: 'IND' })
    expect(state.cursor).toEqual({ anchor: { type: { client: 1, clock: 2 }, item: { client: 3, clock: 4 }, assoc: 0 }, head: { item: { client: 3, clock: 5 }, assoc: -1 } })
    expect(Object.keys(state).sort()).toEqual(['cursor', 'user'])
    const onServer = server.hub.rooms.get('astana-statement')!.awareness.getStates().get(4242) as Record<string, unknown>
    expect(Object.keys(onServer).sort()).toEqual(['cursor', 'user'])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    ws.close()
    destroyAll(watcher)
    await server.close()
  })

  it('a chair and a secretariat get their role colours, a bad cursor becomes null, a state without user still gets one', async () => {
    const server = await start()
    const watcher = connect(server, token(server, 'observer'))
    await synced(watcher)
    const chair = rawSocket(server, token(server, 'chair'))
    const sec = rawSocket(server, token(server, 'secretariat'))
    await Promise.all([opened(chair), opened(sec)])
    chair.send(awarenessFrame([[5001, 1, JSON.stringify({ cursor: { anchor: { item: { client: -1, clock: 'x' } }, head: 'OP2' } })]]))
    sec.send(awarenessFrame([[5002, 1, JSON.stringify({ user: { name: 'IND', role: 'delegation', delegation: 'IND', color: '#e07000' } })]]))
    await waitFor(() => watcher.awareness.getStates().has(5001) && watcher.awareness.getStates().has(5002), 'both presences')
    expect(watcher.awareness.getStates().get(5001)).toEqual({ user: { name: 'CHAIR', color: '#5b5b5b', role: 'chair', delegation: null }, cursor: null })
    expect(watcher.awareness.getStates().get(5002)).toEqual({ user: { name: 'SECRETARIAT', color: '#1f4e79', role: 'secretariat', delegation: null } })
    chair.close()
    sec.close()
    destroyAll(watcher)
    await server.close()
  })

  it('an honest provider keeps its presence and cursor, with the user the server sets', async () => {
    const server = await start()
    const a = connect(server, token(server, 'delegation', 'CHN'))
    const b = connect(server, token(server, 'observer'))
    await Promise.all([synced(a), synced(b)])
    a.awareness.setLocalStateField('user', { name: 'CHN', color: '#c8102e', role: 'delegation', delegation: 'CHN' })
    a.awareness.setLocalStateField('cursor', cursor)
    await waitFor(() => (b.awareness.getStates().get(a.doc.clientID) as { cursor?: unknown } | undefined)?.cursor != null, 'b sees a with its cursor')
    expect(b.awareness.getStates().get(a.doc.clientID)).toMatchObject({ user: { name: 'CHN', color: '#c8102e', role: 'delegation', delegation: 'CHN' } })
    a.awareness.setLocalStateField('cursor', null)
    await waitFor(() => (b.awareness.getStates().get(a.doc.clientID) as { cursor?: unknown }).cursor === null, 'cursor cleared')
    await sleep(10)
    destroyAll(a, b)
    await server.close()
  })
})
