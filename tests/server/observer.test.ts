import { afterEach, describe, expect, it, vi } from 'vitest'
import { addParagraph, cleanupDirs, connect, content, destroyAll, start, synced, tempDir, token, waitFor } from './helpers.ts'

afterEach(() => {
  vi.restoreAllMocks()
  cleanupDirs()
})

describe('an observer', () => {
  it('has its edits refused with the auth message, stays connected and keeps receiving; the edits are absent after restart', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const dataDir = tempDir()
    const server = await start({ dataDir })
    const observerToken = token(server, 'observer')
    const observer = connect(server, observerToken)
    const ind = connect(server, token(server, 'delegation', 'IND'))
    await Promise.all([synced(observer), synced(ind)])
    addParagraph(observer.doc, 'OBSERVER WAS HERE')
    await waitFor(() => warn.mock.calls.some((c) => String(c[0]).includes('Permission denied')), 'permission-denied message')
    expect(server.metrics.counters.updatesRefused).toBeGreaterThanOrEqual(1)
    addParagraph(ind.doc, 'IND after the observer')
    await waitFor(() => content(observer.doc).includes('IND after the observer'), 'observer keeps receiving')
    expect(observer.wsconnected).toBe(true)
    expect(content(ind.doc)).not.toContain('OBSERVER WAS HERE')
    expect(content(server.hub.rooms.get('astana-statement')!.ydoc)).not.toContain('OBSERVER WAS HERE')
    expect(server.storage.audit('astana-statement', 1000).some((r) => r.role === 'observer')).toBe(false)
    destroyAll(observer, ind)
    await server.close()

    const again = await start({ dataDir })
    const check = connect(again, observerToken)
    await synced(check)
    expect(content(check.doc)).toContain('IND after the observer')
    expect(content(check.doc)).not.toContain('OBSERVER WAS HERE')
    destroyAll(check)
    await again.close()
  })
})
