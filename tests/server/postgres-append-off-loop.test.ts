// A server on PostgreSQL waits for a room's commit on its event loop only briefly (20 ms): while one
// document's commit waits on the database (here: a lock another session holds on the append
// counters), the server goes on serving everything else — its timers run, presence on another
// document flows over real sockets — and still sends nobody the waiting update until it is stored.

import { monitorEventLoopDelay } from 'node:perf_hooks'
import { afterEach, describe, expect, it } from 'vitest'
import { holdInSchema, schemaPerTest } from '../helpers/postgres.ts'
import { addParagraph, cleanupDirs, connect, content, destroyAll, presenceRounds, start, synced, token, waitFor } from './helpers.ts'

const schemas = schemaPerTest()
afterEach(cleanupDirs)

// How long the other session holds the lock: well under the storage call timeout (5 s).
const HOLD_MS = 2_000

describe('a server on PostgreSQL while a commit waits', () => {
  it('keeps its loop and other documents going, and sends the update only once stored', { timeout: 60_000 }, async () => {
    const schema = await schemas.create()
    const server = await start({ postgres: schema.url })
    const sec = token(server, 'secretariat')
    const res = await fetch(`${server.url}/api/docs`, { method: 'POST', headers: { authorization: `Bearer ${sec}` }, body: JSON.stringify({ name: 'other', title: 'Other text', text: 'PP1. Recalling\n', visibility: 'public' }) })
    expect(res.status).toBe(201)
    const writer = connect(server, token(server, 'delegation', 'IND'))
    const reader = connect(server, token(server, 'observer'))
    const here = connect(server, token(server, 'delegation', 'CHN'), 'other')
    const there = connect(server, token(server, 'observer'), 'other')
    await Promise.all([synced(writer), synced(reader), synced(here), synced(there)])

    // Another session takes the counters every append locks first: appends now wait for it.
    const locker = await holdInSchema(schema.schema, 'SELECT * FROM counters FOR UPDATE')
    try {
      const lockedAt = performance.now()
      const delay = monitorEventLoopDelay({ resolution: 10 })
      delay.enable()
      const applied = server.metrics.counters.updatesApplied
      addParagraph(writer.doc, 'held by the lock')
      // The server has taken it (applied; its append started) well before the lock goes. (Not read
      // through hub.rooms.get: a reader of the room waits for its append, as it must.)
      await waitFor(() => server.metrics.counters.updatesApplied > applied, 'the server applies the update', 1_000)

      // Presence on the other document goes round while the commit waits.
      const round = await presenceRounds(here, there, 'CHN', ['#e07000', '#0070e0', '#00a050'], 200)
      expect(performance.now() - lockedAt).toBeLessThan(HOLD_MS)
      // Nobody sees what is not stored yet.
      expect(content(reader.doc)).not.toContain('held by the lock')
      expect(server.storage.audit('astana-statement', 1000).some((r) => r.delegation === 'IND')).toBe(false)
      await new Promise((r) => setTimeout(r, Math.max(0, HOLD_MS - (performance.now() - lockedAt))))
      delay.disable()
      // A loop blocked on the commit would have stalled for the whole hold (≈ 2 s).
      expect(delay.max / 1e6).toBeLessThan(500)
      expect(round).toBeLessThan(500)
      expect(content(reader.doc)).not.toContain('held by the lock')
    } finally {
      await locker.release()
    }

    await waitFor(() => content(reader.doc).includes('held by the lock'), 'the reader gets the update once stored', 5_000)
    expect(server.storage.audit('astana-statement', 1000).some((r) => r.delegation === 'IND')).toBe(true)
    destroyAll(writer, reader, here, there)
    await server.close()
  })

  it('compacts in storage while the loop goes on', { timeout: 60_000 }, async () => {
    const schema = await schemas.create()
    const server = await start({ postgres: schema.url, compactEvery: 3 })
    const writer = connect(server, token(server, 'delegation', 'IND'))
    const reader = connect(server, token(server, 'observer'))
    await Promise.all([synced(writer), synced(reader)])
    const compactions = server.metrics.counters.compactions
    // Another session keeps the compacted states' table: a compaction waits for it.
    const locker = await holdInSchema(schema.schema, 'LOCK TABLE states IN ACCESS EXCLUSIVE MODE')
    try {
      const lockedAt = performance.now()
      const delay = monitorEventLoopDelay({ resolution: 10 })
      delay.enable()
      for (let i = 0; i < 4; i++) addParagraph(writer.doc, `typed while compacting ${i}`)
      // Appends do not touch that table: the edits go round while the compaction waits.
      await waitFor(() => content(reader.doc).includes('typed while compacting 3'), 'the edits reach the reader', 1_500)
      await new Promise((r) => setTimeout(r, Math.max(0, HOLD_MS - (performance.now() - lockedAt))))
      delay.disable()
      expect(delay.max / 1e6).toBeLessThan(500)
      expect(server.metrics.counters.compactions).toBe(compactions)
    } finally {
      await locker.release()
    }
    await waitFor(() => server.metrics.counters.compactions > compactions, 'the compaction lands once the lock goes', 5_000)
    destroyAll(writer, reader)
    await server.close()
  })
})

