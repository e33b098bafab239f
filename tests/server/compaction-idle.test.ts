import { afterEach, describe, expect, it } from 'vitest'
import { addParagraph, cleanupDirs, connect, content, destroyAll, DOC, start, synced, tempDir, token, waitFor } from './helpers.ts'

afterEach(cleanupDirs)

describe('compaction when typing pauses', () => {
  it('leaves the log alone while clients type and compacts it in the first pause', async () => {
    const dataDir = tempDir()
    const server = await start({ dataDir, compactEvery: 1_000_000, compactIdleMs: 1000 })
    const a = connect(server, token(server, 'delegation', 'IND'))
    await synced(a)
    const room = () => server.hub.rooms.get(DOC)!
    // Typing every 50 ms for about a second: never a pause near 1 s, even on a busy CI machine.
    for (let i = 0; i < 20; i++) {
      addParagraph(a.doc, `typing ${i}`)
      await new Promise((r) => setTimeout(r, 50))
    }
    await waitFor(() => content(room().ydoc) === content(a.doc), 'server has every edit')
    expect(server.metrics.counters.compactions).toBe(0)
    expect(server.storage.pendingCount(DOC)).toBeGreaterThanOrEqual(20)

    await waitFor(() => server.metrics.counters.compactions === 1, 'compaction after the pause', 5000)
    expect(server.storage.pendingCount(DOC)).toBe(0)
    // One stored state, so the next load is the lazy one; it holds every edit.
    const loaded = server.storage.load(DOC)!
    expect(loaded.updates).toHaveLength(1)
    expect(loaded.updates[0].byteLength).toBeGreaterThan(0)

    // Nothing new, nothing more to compact.
    await new Promise((r) => setTimeout(r, 1500))
    expect(server.metrics.counters.compactions).toBe(1)
    const expected = content(a.doc)
    destroyAll(a)
    await server.close()
    const again = await start({ dataDir })
    const b = connect(again, token(again, 'observer'))
    await synced(b)
    expect(content(b.doc)).toBe(expected)
    destroyAll(b)
    await again.close()
  })
})
