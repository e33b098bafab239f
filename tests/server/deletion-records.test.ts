import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { deletionsOfUpdate } from '../../server/storage/deletions.ts'
import { FRAGMENT_NAME } from '../../shared/ydoc.ts'
import { addParagraph, cleanupDirs, connect, content, destroyAll, DOC, start, synced, tempDir, token, waitFor } from './helpers.ts'

afterEach(cleanupDirs)

// The room writes each update's deletion record from its Yjs transaction instead of decoding the
// update again; what it stores must be exactly what the update itself says it deletes, by whom.
describe('deletion records of live updates', () => {
  it('match each stored update\'s delete set and name the delegation that sent it', async () => {
    const dataDir = tempDir()
    const server = await start({ dataDir, compactEvery: 1_000_000, compactIdleMs: 60_000 })
    const ind = connect(server, token(server, 'delegation', 'IND'))
    const chn = connect(server, token(server, 'delegation', 'CHN'))
    await Promise.all([synced(ind), synced(chn)])
    for (let i = 0; i < 10; i++) {
      addParagraph(ind.doc, `words from IND ${i}`)
      addParagraph(chn.doc, `words from CHN ${i}`)
    }
    await waitFor(() => content(ind.doc) === content(chn.doc) && content(server.hub.rooms.get(DOC)!.ydoc) === content(ind.doc), 'all edits everywhere')
    const fragment = () => chn.doc.getXmlFragment(FRAGMENT_NAME)
    // CHN deletes text inside paragraphs and whole paragraphs; IND deletes one of its own words.
    const lastText = (f: Y.XmlFragment, fromEnd: number) => (f.get(f.length - fromEnd) as Y.XmlElement).get(0) as Y.XmlText
    lastText(fragment(), 1).delete(0, 5)
    fragment().delete(0, 2)
    lastText(ind.doc.getXmlFragment(FRAGMENT_NAME), 2).delete(6, 4)
    await waitFor(() => content(ind.doc) === content(chn.doc) && content(server.hub.rooms.get(DOC)!.ydoc) === content(ind.doc), 'deletions everywhere')
    const records = server.storage.deletions(DOC)
    // The log as stored, read from the file while the server runs (closing it would compact the log).
    const db = new Database(join(dataDir, 'podium.db'), { readonly: true })
    const rows = db.prepare('SELECT id, data FROM updates WHERE doc = ? ORDER BY id').all(DOC) as { id: number; data: Buffer }[]
    db.close()
    destroyAll(ind, chn)
    await server.close()

    const expected = rows.map((r) => ({ updateId: r.id, ds: deletionsOfUpdate(new Uint8Array(r.data)) })).filter((r) => r.ds !== null)
    expect(expected.length).toBeGreaterThanOrEqual(3)
    expect(records.map((r) => ({ updateId: r.updateId, ds: r.ds }))).toEqual(expected)
    const by = new Set(records.map((r) => r.identity))
    expect(by).toEqual(new Set(['delegation:CHN', 'delegation:IND']))
  })
})
