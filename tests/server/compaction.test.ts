import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { openSqliteStorage } from '../../server/storage/sqlite.ts'
import { serverAttribution } from '../../server/documents.ts'
import { newYDoc } from '../../shared/ydoc.ts'
import { addParagraph, cleanupDirs, connect, content, destroyAll, start, synced, tempDir, token, waitFor } from './helpers.ts'

afterEach(cleanupDirs)

describe('compaction', () => {
  it('merges the log into one state without losing updates appended between compactions', () => {
    const storage = openSqliteStorage(tempDir())
    const source = newYDoc()
    const updates: Uint8Array[] = []
    source.on('update', (u: Uint8Array) => updates.push(u))
    addParagraph(source, 'first')
    expect(storage.createDoc('d', 'D', updates.shift()!, serverAttribution([source.clientID]))).toBe(true)
    let merged = 0
    for (let i = 0; i < 120; i++) {
      addParagraph(source, `p${i}`)
      if (i % 3 === 0) source.getXmlFragment('prosemirror').delete(0, 1)
      while (updates.length) storage.append('d', updates.shift()!, serverAttribution([source.clientID]))
      if (i % 17 === 5) merged += storage.compact('d')
    }
    expect(merged).toBeGreaterThan(50)
    expect(storage.pendingCount('d')).toBeGreaterThan(0)
    const rebuild = () => {
      const copy = newYDoc()
      for (const u of storage.load('d')!.updates) Y.applyUpdate(copy, u)
      return copy
    }
    expect(content(rebuild())).toBe(content(source))
    storage.compact('d')
    expect(storage.pendingCount('d')).toBe(0)
    expect(storage.load('d')!.updates).toHaveLength(1)
    const compacted = rebuild()
    expect(content(compacted)).toBe(content(source))
    // History is kept (gc off): the deleted paragraphs are still in the stored state.
    expect(Y.encodeStateVector(compacted)).toEqual(Y.encodeStateVector(source))
    // The audit trail stays whole and refuses changes.
    expect(storage.audit('d', 1000)).toHaveLength(121 + 40)
    storage.close()
  })

  it('runs in the background on a live document while clients keep editing', async () => {
    const dataDir = tempDir()
    const server = await start({ dataDir, compactEvery: 5 })
    const a = connect(server, token(server, 'delegation', 'IND'))
    const b = connect(server, token(server, 'delegation', 'CHN'))
    await Promise.all([synced(a), synced(b)])
    for (let i = 0; i < 60; i++) {
      addParagraph(a.doc, `a${i}`)
      addParagraph(b.doc, `b${i}`)
      if (i % 10 === 0) await new Promise((r) => setImmediate(r))
    }
    await waitFor(() => content(a.doc) === content(b.doc) && (content(a.doc).match(/>[ab]\d+</g)?.length ?? 0) === 120, 'convergence')
    expect(server.metrics.counters.compactions).toBeGreaterThan(3)
    const expected = content(a.doc)
    destroyAll(a, b)
    await server.close()
    const again = await start({ dataDir })
    const c = connect(again, token(again, 'observer'))
    await synced(c)
    expect(content(c.doc)).toBe(expected)
    destroyAll(c)
    await again.close()
  })
})
