// The podium screen follows what the pen's screen shows (presence field `viewport`): the server keeps
// it only from the secretariat or the chair, and only exactly a viewport; hand-made messages test it.
import { afterEach, describe, expect, it } from 'vitest'
import { cleanViewport, VIEWPORT_MAX_INDEX } from '../../shared/viewport.ts'
import { awarenessFrame, cleanupDirs, connect, destroyAll, opened, rawSocket, start, synced, token, waitFor } from './helpers.ts'

afterEach(cleanupDirs)

describe('viewport in presence', () => {
  it('keeps the secretariat\'s viewport as sent, drops a delegation\'s, and nulls a hostile one', async () => {
    const server = await start()
    const watcher = connect(server, token(server, 'observer'))
    await synced(watcher)
    const sec = rawSocket(server, token(server, 'secretariat'))
    const chair = rawSocket(server, token(server, 'chair'))
    const ind = rawSocket(server, token(server, 'delegation', 'IND'))
    await Promise.all([opened(sec), opened(chair), opened(ind)])
    sec.send(awarenessFrame([[6001, 1, JSON.stringify({ viewport: { block: 'p3k9x0a1bq', index: 12, offset: 0.25 } })]]))
    // A delegation may not steer the projector: its viewport is not kept at all.
    ind.send(awarenessFrame([[6002, 1, JSON.stringify({ viewport: { block: 'p1', index: 0, offset: 0 } })]]))
    // The chair sends a viewport with CSS in the id, a script, an extra key and a huge index: null.
    chair.send(awarenessFrame([[6003, 1, JSON.stringify({ viewport: { block: 'p1"><script>x</script>', index: 1, offset: 0.5 } })]]))
    await waitFor(() => [6001, 6002, 6003].every((id) => watcher.awareness.getStates().has(id)), 'three presences')
    const states = watcher.awareness.getStates()
    expect((states.get(6001) as Record<string, unknown>).viewport).toEqual({ block: 'p3k9x0a1bq', index: 12, offset: 0.25 })
    expect(Object.keys(states.get(6002) as object)).toEqual(['user'])
    expect((states.get(6003) as Record<string, unknown>).viewport).toBeNull()

    // The chair then sends one with a key too many, and one with a number where text belongs: null both times.
    chair.send(awarenessFrame([[6003, 2, JSON.stringify({ viewport: { block: 'p1', index: 1, offset: 0.5, scrollTo: 'javascript:x' } })]]))
    await waitFor(() => watcher.awareness.meta.get(6003)?.clock === 2, 'the second chair update')
    expect((watcher.awareness.getStates().get(6003) as Record<string, unknown>).viewport).toBeNull()
    sec.send(awarenessFrame([[6001, 2, JSON.stringify({ viewport: { block: 7, index: 1, offset: 0.5 } })]]))
    await waitFor(() => watcher.awareness.meta.get(6001)?.clock === 2, 'the second secretariat update')
    expect((watcher.awareness.getStates().get(6001) as Record<string, unknown>).viewport).toBeNull()
    for (const ws of [sec, chair, ind]) ws.close()
    destroyAll(watcher)
    await server.close()
  })

  it('accepts exactly a viewport', () => {
    expect(cleanViewport({ block: null, index: 0, offset: 0 })).toEqual({ block: null, index: 0, offset: 0 })
    expect(cleanViewport({ block: 'a-b_C9', index: VIEWPORT_MAX_INDEX, offset: 0.999 })).toEqual({ block: 'a-b_C9', index: VIEWPORT_MAX_INDEX, offset: 0.999 })
    const bad: unknown[] = [
      null, 'p1', [], [1, 2, 3], 42,
      { block: 'p1', index: 0 },
      { block: 'p1', index: 0, offset: 1 },
      { block: 'p1', index: 0, offset: -0.1 },
      { block: 'p1', index: 0, offset: Number.NaN },
      { block: 'p1', index: 0, offset: '0.5' },
      { block: 'p1', index: -1, offset: 0 },
      { block: 'p1', index: 1.5, offset: 0 },
      { block: 'p1', index: VIEWPORT_MAX_INDEX + 1, offset: 0 },
      { block: 'x'.repeat(65), index: 0, offset: 0 },
      { block: '', index: 0, offset: 0 },
      { block: 'a b', index: 0, offset: 0 },
      { block: 'p1', index: 0, offset: 0, extra: 1 },
      JSON.parse('{"block":"p1","index":0,"__proto__":{"offset":0.5}}'),
      Object.create({ block: 'p1', index: 0, offset: 0 })
    ]
    for (const v of bad) expect(cleanViewport(v), JSON.stringify(v)).toBeNull()
  })
})
