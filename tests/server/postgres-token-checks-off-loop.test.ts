// A server on PostgreSQL reads its tokens' state — the revocation stamp four times a second, every
// connected token every few seconds — without blocking its event loop: while another session locks
// the tokens table, presence still goes round and the loop never stalls; once the lock goes, a
// revocation written straight to storage closes the token's connection within 1 s, as before.

import { monitorEventLoopDelay } from 'node:perf_hooks'
import { afterEach, describe, expect, it } from 'vitest'
import { CloseCode } from '../../shared/protocol.ts'
import { createToken } from '../../server/tokens.ts'
import { holdInSchema, schemaPerTest } from '../helpers/postgres.ts'
import { cleanupDirs, connect, destroyAll, presenceRounds, start, synced, token } from './helpers.ts'

const schemas = schemaPerTest()
afterEach(cleanupDirs)

// How long the other session holds the lock: several polls (250 ms) and re-checks (500 ms here),
// well under the storage call timeout (5 s).
const HOLD_MS = 2_000

describe('a server on PostgreSQL while its tokens table is locked', () => {
  it('polls and re-checks tokens off its loop, and still closes a revoked token within 1 s after', { timeout: 60_000 }, async () => {
    const schema = await schemas.create()
    const server = await start({ postgres: schema.url, tokenRecheckMs: 500 })
    const ind = createToken(server.storage, { role: 'delegation', delegation: 'IND' }, server.meeting.roster)
    const here = connect(server, ind.token)
    const there = connect(server, token(server, 'observer'))
    await Promise.all([synced(here), synced(there)])

    // Another session takes the whole table: every read of it now waits for the lock.
    const locker = await holdInSchema(schema.schema, 'LOCK TABLE tokens IN ACCESS EXCLUSIVE MODE')
    let round = 0
    const delay = monitorEventLoopDelay({ resolution: 10 })
    try {
      const lockedAt = performance.now()
      delay.enable()
      round = await presenceRounds(here, there, 'IND', ['#e07000', '#0070e0', '#00a050', '#a000a0'], 300)
      await new Promise((r) => setTimeout(r, Math.max(0, HOLD_MS - (performance.now() - lockedAt))))
      delay.disable()
    } finally {
      await locker.release()
    }
    // A loop blocked on a token read would have stalled for the whole hold (≈ 2 s).
    expect(delay.max / 1e6).toBeLessThan(500)
    expect(round).toBeLessThan(500)
    expect(here.wsconnected).toBe(true)

    // The reads resume: a revocation written to storage (as another process would) closes the
    // token's connection with 4401 within a second.
    const closed = new Promise<{ code: number; at: number }>((resolve) => {
      here.on('connection-close', (e: { code: number } | null) => resolve({ code: e?.code ?? 0, at: performance.now() }))
    })
    const revokedAt = performance.now()
    expect(server.storage.revokeToken(ind.record.id)).toBe(true)
    const { code, at } = await closed
    expect(code).toBe(CloseCode.unauthorized)
    expect(at - revokedAt).toBeLessThan(1_000)
    destroyAll(here, there)
    await server.close()
  })
})
