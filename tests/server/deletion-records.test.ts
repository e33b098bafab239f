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
    // CHN deletes words inside its paragraphs and two whole paragraphs of its own; IND deletes one of
    // its own words (a delegation may delete only what it typed: see trust-words.test.ts).
    const indexOf = (doc: Y.Doc, text: string) => doc.getXmlFragment(FRAGMENT_NAME).toArray().findIndex((b) => b.toString().includes(text))
    const textOf = (doc: Y.Doc, text: string) => (doc.getXmlFragment(FRAGMENT_NAME).get(indexOf(doc, text)) as Y.XmlElement).get(0) as Y.XmlText
    textOf(chn.doc, 'words from CHN 9').delete(0, 5)
    chn.doc.transact(() => {
      chn.doc.getXmlFragment(FRAGMENT_NAME).delete(indexOf(chn.doc, 'words from CHN 0'), 1)
      chn.doc.getXmlFragment(FRAGMENT_NAME).delete(indexOf(chn.doc, 'words from CHN 1'), 1)
    })
    textOf(ind.doc, 'words from IND 8').delete(6, 4)
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
