import { afterAll, describe, expect, it } from 'vitest'
import { serializePodium } from '../../shared/format/index.ts'
import { readDocFromY } from '../../shared/ydoc.ts'
import { addParagraph, cleanupDirs, connect, content, destroyAll, DOC, start, synced, tempDir, token, waitFor } from './helpers.ts'

afterAll(cleanupDirs)

describe('a document loaded from its compacted state', () => {
  it('answers the first joiner from the stored bytes, then edits and reads work as usual', async () => {
    const dataDir = tempDir()
    const first = await start({ dataDir })
    const sec = token(first, 'secretariat')
    const a = connect(first, sec)
    await synced(a)
    addParagraph(a.doc, 'OP8. Written before the restart.')
    await waitFor(() => first.metrics.counters.updatesPersisted >= 1, 'the edit is stored')
    const before = content(a.doc)
    destroyAll(a)
    await first.close() // unloads, compacting the log into one state

    const again = await start({ dataDir })
    expect(again.storage.load(DOC)!.updates).toHaveLength(1)
    const b = connect(again, sec)
    const c = connect(again, token(again, 'delegation', 'IND'))
    await Promise.all([synced(b), synced(c)])
    expect(content(b.doc)).toBe(before)
    addParagraph(c.doc, 'OP9. Written after it.')
    await waitFor(() => content(b.doc) === content(c.doc) && content(b.doc).includes('OP9.'), 'both clients converge')
    // Readers of the room see the built document.
    const room = again.hub.rooms.get(DOC)!
    expect(serializePodium(readDocFromY(room.ydoc))).toBe(serializePodium(readDocFromY(c.doc)))
    destroyAll(b, c)
    await again.close()
  })
})
