// Two servers (two processes on one database) reach COB at the same instant and both run the COB
// job: exactly one COB snapshot of the document for that day, and both servers' REST API list the
// same snapshots.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_MEETING } from '../../server/config.ts'
import { nextCob } from '../../server/snapshots/cob.ts'
import type { OpenedStorage } from '../../server/storage/open.ts'
import { createToken } from '../../server/tokens.ts'
import { addParagraph, DOC, synced, waitFor } from '../server/helpers.ts'
import { provider, sharedStorage, sleep, startChild, type ChildServer, type SharedStorage } from './helpers.ts'

describe('COB on two servers at once', () => {
  let shared: SharedStorage
  let storage: OpenedStorage
  const servers: ChildServer[] = []
  let cob: { date: string; at: number }
  let cobReal = 0

  beforeAll(async () => {
    shared = await sharedStorage()
    // Both clocks say COB comes 60 s from now (real time), whatever the time of day: time to start both.
    cob = nextCob(Date.now(), DEFAULT_MEETING.cobTime, DEFAULT_MEETING.timeZone)
    cobReal = Date.now() + 60_000
    const offset = String(cob.at - cobReal)
    servers.push(await startChild(shared.options, `c1-${process.pid}`, {}, { PODIUM_TEST_CLOCK_OFFSET_MS: offset }))
    servers.push(await startChild(shared.options, `c2-${process.pid}`, { demo: false }, { PODIUM_TEST_CLOCK_OFFSET_MS: offset }))
    storage = shared.open()
  }, 90_000)

  afterAll(async () => {
    for (const s of servers) await s.stop()
    await shared?.cleanup()
  }, 30_000)

  it('keeps one snapshot per document and day, and both servers answer the same', async () => {
    // A change today, so that the document has something to freeze at COB.
    const pen = provider(servers[0].port, DOC, createToken(storage, { role: 'secretariat' }, DEFAULT_MEETING.roster).token)
    await synced(pen)
    const before = storage.lastUpdateId(DOC)
    addParagraph(pen.doc, 'agreed at the last minute')
    await waitFor(() => storage.lastUpdateId(DOC) > before, 'the change stored')
    pen.destroy()
    expect(Date.now()).toBeLessThan(cobReal)
    const cobs = () => storage.listSnapshots(DOC).filter((s) => s.cobDate === cob.date)
    await waitFor(() => cobs().length > 0, 'a COB snapshot', cobReal - Date.now() + 10_000)
    // Both jobs have run by now (each takes well under a second on this document).
    await sleep(1500)
    expect(cobs().length).toBe(1)
    const tok = createToken(storage, { role: 'secretariat' }, DEFAULT_MEETING.roster).token
    const answers = await Promise.all(servers.map(async (s) => {
      const res = await fetch(`http://127.0.0.1:${s.port}/api/docs/${DOC}/snapshots`, { headers: { authorization: `Bearer ${tok}` } })
      expect(res.status).toBe(200)
      return res.json()
    }))
    expect(answers[1]).toEqual(answers[0])
    expect(JSON.stringify(answers[0])).toContain(cob.date)
  }, 90_000)
})
