import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DB_FILE } from '../../server/storage/sqlite.ts'
import { CloseCode } from '../../shared/protocol.ts'
import { addParagraph, cleanupDirs, closed, connect, content, destroyAll, rawSocket, start, synced, tempDir, token, waitFor } from './helpers.ts'

afterEach(cleanupDirs)

describe('document lifecycle', () => {
  it('loads on first connection, unloads after the idle delay, reloads as it was', async () => {
    const server = await start({ idleUnloadMs: 50 })
    const tok = token(server, 'delegation', 'IND')
    expect(server.hub.rooms.size).toBe(0)
    const a = connect(server, tok)
    await synced(a)
    expect(server.hub.rooms.size).toBe(1)
    addParagraph(a.doc, 'before unload')
    await waitFor(() => server.metrics.counters.updatesPersisted >= 1, 'persisted')
    const expected = content(a.doc)
    destroyAll(a)
    await waitFor(() => server.hub.rooms.size === 0, 'unload')
    const b = connect(server, tok)
    await synced(b)
    expect(content(b.doc)).toBe(expected)
    destroyAll(b)
    await server.close()
  })

  it('never writes back a document whose load failed (close 4500), and other documents carry on', async () => {
    const dataDir = tempDir()
    const server = await start({ dataDir })
    const sec = token(server, 'secretariat')
    await fetch(`${server.url}/api/docs`, { method: 'POST', headers: { authorization: `Bearer ${sec}` }, body: JSON.stringify({ name: 'healthy' }) })
    await server.close()
    // Corrupt the demo document's stored update.
    const db = new Database(join(dataDir, DB_FILE))
    db.prepare("UPDATE updates SET data = X'0105ffffffffff0f' WHERE doc = 'astana-statement'").run()
    const count = () => (db.prepare("SELECT COUNT(*) AS n FROM updates WHERE doc = 'astana-statement'").get() as { n: number }).n
    const before = count()

    // The start check would refuse this broken chain; allowed, the load itself must fail safely.
    const again = await start({ dataDir, allowBrokenChain: true })
    const result = await closed(rawSocket(again, sec))
    expect(result.code).toBe(CloseCode.loadFailed)
    expect(again.hub.rooms.get('astana-statement')).toBeUndefined()
    const p = connect(again, sec, 'healthy')
    await synced(p)
    addParagraph(p.doc, 'fine')
    await waitFor(() => again.metrics.counters.updatesPersisted >= 1, 'healthy doc persists')
    const list = await (await fetch(`${again.url}/api/docs`, { headers: { authorization: `Bearer ${sec}` } })).json()
    expect(list.find((d: { name: string }) => d.name === 'astana-statement').error).toBeTruthy()
    destroyAll(p)
    await again.close()
    expect(count()).toBe(before)
    db.close()
  })

  it('closes every connection with 1001 on shutdown, and close() is idempotent', async () => {
    const server = await start()
    const ws = rawSocket(server, token(server, 'observer'))
    const closing = closed(ws)
    await waitFor(() => server.hub.connections === 1, 'connected')
    await Promise.all([server.close(), server.close()])
    expect((await closing).code).toBe(CloseCode.goingAway)
  })
})
