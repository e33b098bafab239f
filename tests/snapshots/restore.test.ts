import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { Transform } from 'prosemirror-transform'
import { normalisePodiumText, serializePodium } from '../../shared/format/index.ts'
import { readDocFromY } from '../../shared/ydoc.ts'
import type { RunningServer } from '../../server/index.ts'
import { cleanupDirs, connect, destroyAll, DOC, start, synced, token, waitFor } from '../server/helpers.ts'
import { ASTANA } from '../helpers/seed.ts'
import { api, edit, find } from './helpers.ts'

let server: RunningServer | undefined
afterEach(async () => { await server?.close(); server = undefined })
afterAll(cleanupDirs)

describe('restore a snapshot', () => {
  it('makes its text the live text as a new change, snapshots the current state first, and every client sees it', async () => {
    server = await start({ cob: false })
    const chair = token(server, 'chair')
    // The secretariat deletes PP1 (a delegation may only propose its deletion: trust-words.test.ts).
    const ind = connect(server, token(server, 'secretariat'))
    await synced(ind)
    const cob = await api(server, chair, 'POST', `/docs/${DOC}/snapshots`, { label: 'COB' })

    edit(ind.doc, (d) => {
      const p = find(d, (n) => n.type.name === 'paragraph' && n.textContent.startsWith('PP1.'))
      return new Transform(d).delete(p, p + d.nodeAt(p)!.nodeSize).doc
    })
    await waitFor(() => server!.storage.getDoc(DOC)!.lastChange !== null && !serializePodium(readDocFromY(server!.hub.rooms.get(DOC)!.ydoc)).includes('PP1.'), 'the deletion reaches the server')
    const afterEdit = serializePodium(readDocFromY(ind.doc))

    const r = await api(server, chair, 'POST', `/docs/${DOC}/restore`, { snapshot: cob.body.id })
    expect(r.status).toBe(200)
    expect(r.body.before.label).toBe('Before restoring "COB"')

    // The live text is the snapshot's again, on the server and on the delegation's screen.
    await waitFor(() => serializePodium(readDocFromY(ind.doc)) === normalisePodiumText(ASTANA), 'IND sees the restored text')
    expect((await api(server, chair, 'GET', `/docs/${DOC}/text`)).text).toBe(normalisePodiumText(ASTANA))
    // Nothing is lost: the state before the restore is a snapshot, and the restore is attributed.
    expect((await api(server, chair, 'GET', `/docs/${DOC}/snapshots/${r.body.before.id}?format=text`)).text).toBe(afterEdit)
    const since = await api(server, chair, 'GET', `/docs/${DOC}/compare?from=${r.body.before.id}&to=live`)
    expect(since.body.changes).toEqual([expect.objectContaining({ kind: 'paragraph-added', paragraph: 'PP1', by: ['Chair'] })])
    destroyAll(ind)
  })

  it('is refused to delegations and observers, and 404s an unknown snapshot', async () => {
    server = await start({ cob: false })
    const sec = token(server, 'secretariat')
    const s = await api(server, sec, 'POST', `/docs/${DOC}/snapshots`, { label: 'x' })
    expect((await api(server, token(server, 'delegation', 'IND'), 'POST', `/docs/${DOC}/restore`, { snapshot: s.body.id })).status).toBe(403)
    expect((await api(server, token(server, 'observer'), 'POST', `/docs/${DOC}/restore`, { snapshot: s.body.id })).status).toBe(403)
    expect((await api(server, sec, 'POST', `/docs/${DOC}/restore`, { snapshot: 99 })).status).toBe(404)
    expect((await api(server, sec, 'POST', `/docs/${DOC}/restore`, {})).status).toBe(400)
  })
})
