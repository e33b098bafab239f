// The COB job in the work pool (server/snapshots/cob-server.ts): a full pool makes a document's COB
// wait and be offered again, never skipped in silence; past the retry bound it is logged as not taken
// and the other documents go on; a server closed while a COB run is in progress closes cleanly.

import { afterAll, describe, expect, it } from 'vitest'
import pino from 'pino'
import { serverAttribution, createDocument } from '../../server/documents.ts'
import { cobLabel, nextCob } from '../../server/snapshots/cob.ts'
import { runCob } from '../../server/snapshots/cob-job.ts'
import { CobNotTaken, poolTaker } from '../../server/snapshots/cob-server.ts'
import { SERVER_ACTOR } from '../../server/sync/origins.ts'
import { openSqliteStorage } from '../../server/storage/sqlite.ts'
import { snapshotTextSha256 } from '../../server/snapshots/service.ts'
import { WorkPool } from '../../server/work/pool.ts'
import { FakeClock } from '../helpers/fake-clock.ts'
import { paragraphsUpdate } from '../server/resilience-helpers.ts'
import { cleanupDirs, start, tempDir } from '../server/helpers.ts'

afterAll(cleanupDirs)

// A logger whose lines are kept, to read what the job said.
function recordingLog() {
  const lines: { level: number; msg: string; doc?: string }[] = []
  const log = pino({ level: 'info' }, { write: (s: string) => { lines.push(JSON.parse(s)) } })
  return { log, lines }
}

const busyText = { filename: 'a.txt', text: 'PP1. Recalling [the Charter] (+IND).\n'.repeat(20_000), roster: [] }
const cob = { label: cobLabel('2022-10-04'), by: SERVER_ACTOR, cobDate: '2022-10-04' }

describe('COB snapshots in the work pool', () => {
  it('waits while the pool is full and takes the snapshot once it has room', async () => {
    const dataDir = tempDir()
    const storage = openSqliteStorage(dataDir)
    createDocument(storage, 'd', 'D', 'PP1. text', [])
    const { log, lines } = recordingLog()
    const work = new WorkPool({ dataDir, log, workers: 1, queue: 1, perToken: 2, pdfAtOnce: 1, timeoutMs: 30_000, memoryMb: 512 })
    const keep = setInterval(() => {}, 1000)
    try {
      // One job running, one waiting: the queue is full for anyone.
      const busy = [1, 2].map(() => work.run('preview', busyText, 'someone').then((r) => r.status, (err) => String(err)))
      const flushed: string[] = []
      const take = poolTaker({ work, flush: (doc) => flushed.push(doc), log, retry: { firstMs: 50, maxDelayMs: 200, forMs: 60_000 } }, new AbortController().signal)
      expect(await take('d', cob)).toBe(true)
      expect(await Promise.all(busy)).toEqual([200, 200])
      const waits = lines.filter((l) => l.msg === 'COB snapshot waits: the work pool is full')
      expect(waits.length).toBeGreaterThan(0)
      expect(flushed.length).toBe(waits.length + 1)
      const [snap] = storage.listSnapshots('d')
      expect(snap).toMatchObject({ cobDate: '2022-10-04', takenBy: 'server' })
      expect(snapshotTextSha256(storage.getSnapshot('d', snap.id)!.state)).toBe(snap.sha256)
      // Already there (another process, or a run before): no second one, and no error.
      expect(await take('d', cob)).toBe(false)
      expect(storage.listSnapshots('d')).toHaveLength(1)
    } finally {
      clearInterval(keep)
      await work.close()
      storage.close()
    }
  }, 60_000)

  it('past the retry bound, says plainly the document\'s COB was not taken, and goes on with the others', async () => {
    const dataDir = tempDir()
    const storage = openSqliteStorage(dataDir)
    createDocument(storage, 'a', 'A', 'PP1. text', [])
    createDocument(storage, 'b', 'B', 'PP1. text', [])
    const { log } = recordingLog()
    const work = new WorkPool({ dataDir, log, workers: 1, queue: 1, perToken: 2, pdfAtOnce: 1, timeoutMs: 30_000, memoryMb: 512 })
    const keep = setInterval(() => {}, 1000)
    try {
      const busy = [1, 2].map(() => work.run('preview', busyText, 'someone').then((r) => r.status, (err) => String(err)))
      const failed: [string, unknown][] = []
      const take = poolTaker({ work, flush: () => {}, log, retry: { firstMs: 50, maxDelayMs: 50, forMs: 120 } }, new AbortController().signal)
      const taken = await runCob(storage, '2022-10-04', take, (doc, err) => failed.push([doc, err]))
      // Both were offered, both refused past the bound, each named.
      expect(taken).toEqual([])
      expect(failed.map(([doc]) => doc)).toEqual(['a', 'b'])
      for (const [, err] of failed) {
        expect(err).toBeInstanceOf(CobNotTaken)
        expect((err as Error).message).toMatch(/did not take this document's COB snapshot in \d+ s \(\d+ tries; last: the server is busy/)
      }
      expect(await Promise.all(busy)).toEqual([200, 200])
      // Once the pool has room, the same run takes both.
      expect(await runCob(storage, '2022-10-04', take)).toEqual(['a', 'b'])
    } finally {
      clearInterval(keep)
      await work.close()
      storage.close()
    }
  }, 60_000)

  it('rejects bad retry bounds with a RangeError naming the value', () => {
    const work = { run: () => Promise.reject(new Error('unused')) }
    expect(() => poolTaker({ work, flush: () => {}, log: pino({ level: 'silent' }), retry: { forMs: -1 } }, new AbortController().signal)).toThrow(/forMs -1/)
    expect(() => poolTaker({ work, flush: () => {}, log: pino({ level: 'silent' }), timeoutMs: 0 }, new AbortController().signal)).toThrow(RangeError)
  })

  it('a server closed while its COB run is in progress closes cleanly; the database verifies after', async () => {
    const dataDir = tempDir()
    const clock = new FakeClock(Date.parse('2022-10-04T04:00:00Z'))
    const { log, lines } = recordingLog()
    const server = await start({ dataDir, cob: { clock }, logger: log })
    // Three documents of 5 MB: the run is still on the first when the server closes.
    for (const name of ['x1', 'x2', 'x3']) server.storage.createDoc(name, name, paragraphsUpdate(50, 100_000), serverAttribution([1]))
    const due = nextCob(clock.now(), server.meeting.cobTime, server.meeting.timeZone)
    clock.advanceTo(due.at)
    await new Promise((r) => setTimeout(r, 50))
    await server.close()
    expect(lines.some((l) => l.msg === 'closed')).toBe(true)
    expect(lines.filter((l) => l.msg === 'COB snapshot failed for this document')).toEqual([])
    // Four documents (the demo's and three of 5 MB) cannot be snapshotted in the 50 ms before closing.
    expect(lines.some((l) => l.msg === 'COB snapshots stopped: the server is closing')).toBe(true)
    const storage = openSqliteStorage(dataDir)
    try {
      // What was taken is whole; what was cut off left nothing behind.
      expect(storage.verify({ snapshotTextSha256 })).toMatchObject({ ok: true })
      expect(['x1', 'x2', 'x3'].map((d) => storage.listSnapshots(d).length).reduce((a, b) => a + b)).toBeLessThan(3)
    } finally {
      storage.close()
    }
  }, 60_000)
})
