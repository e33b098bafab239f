import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { createDocument } from '../../server/documents.ts'
import { inThreadTaker, runCob } from '../../server/snapshots/cob-job.ts'
import { openSqliteStorage } from '../../server/storage/sqlite.ts'
import type { RunningServer } from '../../server/index.ts'
import { addParagraph, cleanupDirs, connect, destroyAll, DOC, start, synced, tempDir, token, waitFor } from '../server/helpers.ts'
import { FakeClock } from '../helpers/fake-clock.ts'
import { api } from './helpers.ts'

let servers: RunningServer[] = []
afterEach(async () => { for (const s of servers.splice(0)) await s.close() })
afterAll(cleanupDirs)

describe('COB snapshots on the server (Asia/Almaty, 18:00, fake clock)', () => {
  it('takes one per document on days it changed, none on days without edits', async () => {
    const clock = new FakeClock(Date.parse('2022-09-28T04:00:00Z')) // 10:00 in Astana
    const server = await start({ cob: { clock } })
    servers.push(server)
    const obs = token(server, 'observer')
    const ind = connect(server, token(server, 'delegation', 'IND'))
    await synced(ind)
    addParagraph(ind.doc, 'OP8. New operative paragraph.')
    await waitFor(() => (server.storage.getDoc(DOC)?.lastChange ?? '') !== '' && server.storage.audit(DOC, 5).some((a) => a.delegation === 'IND'), 'the edit is stored')

    clock.advanceTo(Date.parse('2022-09-28T12:00:00Z')) // 18:00 in Astana, 28 September
    // Taken in the work pool: the scheduler only hands the job out.
    await waitFor(() => server.storage.listSnapshots(DOC).length === 1, 'the COB snapshot of the 28th')
    let list = (await api(server, obs, 'GET', `/docs/${DOC}/snapshots`)).body
    expect(list.map((s: { label: string; cobDate: string; takenBy: string }) => [s.label, s.cobDate, s.takenBy])).toEqual([
      ['Podium version as of COB, 28 September 2022', '2022-09-28', 'server']
    ])

    // The 29th passes without edits: no snapshot. An edit after midnight on the 30th: one at COB on the 30th.
    clock.advanceTo(Date.parse('2022-09-29T19:00:00Z')) // 01:00 on the 30th in Astana
    addParagraph(ind.doc, 'OP9. After midnight.')
    await waitFor(() => server.storage.audit(DOC, 100).filter((a) => a.delegation === 'IND').length >= 2, 'the second edit is stored')
    clock.advanceTo(Date.parse('2022-10-01T00:00:00Z'))
    await waitFor(() => server.storage.listSnapshots(DOC).length === 2, 'the COB snapshot of the 30th')
    list = (await api(server, obs, 'GET', `/docs/${DOC}/snapshots`)).body
    expect(list.map((s: { cobDate: string }) => s.cobDate)).toEqual(['2022-09-28', '2022-09-30'])
    expect(list[1].totals.paragraphs).toBe(list[0].totals.paragraphs + 1)
    destroyAll(ind)
  })

  it('a document that cannot be read does not stop the COB snapshots of the others', async () => {
    const dataDir = tempDir()
    const storage = openSqliteStorage(dataDir)
    try {
      // "a-broken" comes first: its stored update is overwritten with bytes that are not a Yjs update.
      createDocument(storage, 'a-broken', 'Broken', 'PP1. text', [])
      createDocument(storage, 'b-fine', 'Fine', 'PP1. text', [])
      const db = new Database(join(dataDir, 'podium.db'))
      db.prepare("UPDATE updates SET data = x'09090909' WHERE doc = 'a-broken'").run()
      db.close()
      const failed: string[] = []
      const taken = await runCob(storage, '2022-10-04', inThreadTaker({ storage, live: { get: () => undefined } }), (doc) => failed.push(doc))
      expect(taken).toEqual(['b-fine'])
      expect(failed).toEqual(['a-broken'])
    } finally {
      storage.close()
    }
  })

  it('two server processes on one database take one COB snapshot between them', async () => {
    const dataDir = tempDir()
    const a = openSqliteStorage(dataDir)
    const b = openSqliteStorage(dataDir)
    try {
      createDocument(a, 'd', 'D', 'PP1. text', [])
      const none = { get: () => undefined }
      const takenA = await runCob(a, '2022-10-04', inThreadTaker({ storage: a, live: none }))
      const takenB = await runCob(b, '2022-10-04', inThreadTaker({ storage: b, live: none }))
      expect([takenA, takenB]).toEqual([['d'], []])
      expect(b.listSnapshots('d')).toHaveLength(1)
    } finally {
      a.close()
      b.close()
    }
  })

  it('keeps snapshots immutable in the database itself', async () => {
    const dataDir = tempDir()
    const server = await start({ dataDir, cob: false })
    servers.push(server)
    const sec = token(server, 'secretariat')
    const s = await api(server, sec, 'POST', `/docs/${DOC}/snapshots`, { label: 'frozen' })
    const raw = new Database(join(dataDir, 'podium.db'))
    try {
      expect(() => raw.prepare('UPDATE snapshots SET label = ? WHERE id = ?').run('changed', s.body.id)).toThrow(/immutable/)
      expect(() => raw.prepare('DELETE FROM snapshots WHERE id = ?').run(s.body.id)).toThrow(/immutable/)
    } finally {
      raw.close()
    }
    expect((await api(server, sec, 'GET', `/docs/${DOC}/snapshots/${s.body.id}`)).body.label).toBe('frozen')
  })

  it('lets the secretariat and the chair take snapshots, and everyone read them', async () => {
    const server = await start({ cob: false })
    servers.push(server)
    for (const role of ['secretariat', 'chair']) {
      expect((await api(server, token(server, role), 'POST', `/docs/${DOC}/snapshots`, { label: role })).status).toBe(201)
    }
    const obs = token(server, 'observer')
    expect((await api(server, obs, 'POST', `/docs/${DOC}/snapshots`, { label: 'x' })).status).toBe(403)
    expect((await api(server, token(server, 'delegation', 'IND'), 'POST', `/docs/${DOC}/snapshots`, { label: 'x' })).status).toBe(403)
    expect((await api(server, obs, 'POST', `/docs/${DOC}/snapshots`, { label: '' })).status).toBe(403)
    const list = (await api(server, obs, 'GET', `/docs/${DOC}/snapshots`)).body
    expect(list.map((x: { label: string; role: string; takenByName: string }) => [x.label, x.role, x.takenByName])).toEqual([['secretariat', 'secretariat', 'Secretariat'], ['chair', 'chair', 'Chair']])
    const html = await api(server, obs, 'GET', `/docs/${DOC}/snapshots/${list[0].id}?format=html`)
    expect(html.text).toContain(`SHA-256 ${list[0].sha256}`)
    expect((await api(server, obs, 'GET', `/docs/${DOC}/snapshots/${list[0].id}?format=xml`)).status).toBe(400)
    expect((await api(server, token(server, 'secretariat'), 'POST', `/docs/${DOC}/snapshots`, { label: 42 })).status).toBe(400)
  })
})
