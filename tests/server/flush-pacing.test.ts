// A room of many peers sends what it accepted at most once per paced wait (server/sync/flush-pacing.ts):
// one socket write per peer carries the updates of several turns.

import { afterAll, describe, expect, it } from 'vitest'
import type { WebSocket } from 'ws'
import { flushDelay, PACED_FLUSH_MAX_MS, PACED_FLUSH_PEERS } from '../../server/sync/flush-pacing.ts'
import { addParagraph, cleanupDirs, connect, content, destroyAll, opened, rawSocket, start, synced, token, waitFor } from './helpers.ts'

afterAll(cleanupDirs)

describe('flushDelay', () => {
  it('is 0 under the threshold, the rest of peers × 0.04 ms above it, capped, and 0 once passed', () => {
    expect(flushDelay(PACED_FLUSH_PEERS - 1, 1000, 1000)).toBe(0)
    expect(flushDelay(200, 1000, 1000)).toBeCloseTo(8)
    expect(flushDelay(200, 1000, 1005)).toBeCloseTo(3)
    expect(flushDelay(200, 1000, 1009)).toBe(0)
    expect(flushDelay(5000, 1000, 1000)).toBe(PACED_FLUSH_MAX_MS)
    // A clock that went back (never with performance.now) does not make a room wait longer than its wait.
    expect(flushDelay(200, 2000, 1000)).toBeCloseTo(8)
    expect(() => flushDelay(-1, 0, 0)).toThrow(RangeError)
    expect(() => flushDelay(Number.NaN, 0, 0)).toThrow(RangeError)
  })
})

// Sync-update messages (y-websocket: message type 0, sync step 2) a raw socket receives.
function countUpdates(ws: WebSocket): { times: number[] } {
  const seen = { times: [] as number[] }
  ws.on('message', (data: Buffer) => {
    if (data[0] === 0 && data[1] === 2) seen.times.push(performance.now())
  })
  return seen
}

describe('paced flushes over real sockets', () => {
  it('with 200 peers, 100 updates sent 1 ms apart reach a reader in far fewer messages, all of them', async () => {
    const server = await start({ cob: false, limits: { connectionsPerToken: 1000, upgradesPerSecond: 10_000, upgradeBurst: 10_000 } })
    const obs = token(server, 'observer')
    const readers = Array.from({ length: 198 }, () => rawSocket(server, obs))
    await Promise.all(readers.map(opened))
    const counted = countUpdates(readers[0])
    const writer = connect(server, token(server, 'delegation', 'CHN'))
    const check = connect(server, token(server, 'delegation', 'IND'))
    await Promise.all([synced(writer), synced(check)])
    await waitFor(() => server.hub.presence('astana-statement').length >= 200, '200 peers')
    const before = counted.times.length
    for (let i = 0; i < 100; i++) {
      addParagraph(writer.doc, `paced ${i}`)
      await new Promise((r) => setTimeout(r, 1))
    }
    await waitFor(() => content(check.doc).includes('paced 99'), 'every update at another delegation')
    await new Promise((r) => setTimeout(r, 50))
    const messages = counted.times.length - before
    for (let i = 0; i < 100; i++) expect(content(check.doc)).toContain(`paced ${i}<`)
    // 200 peers wait 8 ms between flushes: ~100–150 ms of sending is at most ~20 flushes (one per
    // server turn, ~100 messages, without pacing).
    expect(messages).toBeGreaterThan(0)
    expect(messages).toBeLessThanOrEqual(35)
    const gaps = counted.times.slice(before + 1).map((t, i) => t - counted.times[before + i])
    gaps.sort((a, b) => a - b)
    // Arrival can bunch two flushes together now and then; most are a wait apart.
    expect(gaps[Math.floor(gaps.length / 2)]).toBeGreaterThanOrEqual(5)
    for (const ws of readers) ws.terminate()
    destroyAll(writer, check)
    await server.close()
  }, 30_000)
})
