// A room waits after a flush a few times what it cost before the next (server/sync/flush-pacing.ts):
// with many peers one socket write per peer carries the updates of several turns.

import { afterAll, describe, expect, it } from 'vitest'
import type { WebSocket } from 'ws'
import { flushDelay, PACED_FLUSH_MAX_MS } from '../../server/sync/flush-pacing.ts'
import { addParagraph, cleanupDirs, connect, content, destroyAll, opened, rawSocket, start, synced, token, waitFor } from './helpers.ts'

afterAll(cleanupDirs)

describe('flushDelay', () => {
  it('waits three times the previous flush\'s cost after it, at most 10 ms, and not once that has passed', () => {
    expect(flushDelay(1000, 0.1, 1000)).toBeCloseTo(0.3)
    expect(flushDelay(1000, 2, 1000)).toBeCloseTo(6)
    expect(flushDelay(1000, 2, 1004)).toBeCloseTo(2)
    expect(flushDelay(1000, 2, 1006)).toBe(0)
    expect(flushDelay(1000, 50, 1000)).toBe(PACED_FLUSH_MAX_MS)
    // A clock that went back (never with performance.now) does not make a room wait longer than its wait.
    expect(flushDelay(2000, 2, 1000)).toBeCloseTo(6)
    expect(() => flushDelay(0, -1, 0)).toThrow(RangeError)
    expect(() => flushDelay(0, Number.NaN, 0)).toThrow(RangeError)
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
    // A flush to 200 peers costs a millisecond or more here, so the room waits three more: the sending
    // is a few dozen flushes (without pacing one per server turn: one message per update, ~100). Quiet,
    // 28–50 messages were seen; the bound leaves room for a slower machine, not for no pacing.
    expect(messages).toBeGreaterThan(0)
    expect(messages).toBeLessThanOrEqual(60)
    const gaps = counted.times.slice(before + 1).map((t, i) => t - counted.times[before + i])
    gaps.sort((a, b) => a - b)
    console.log('paced flushes', { messages, medianGapMs: gaps[Math.floor(gaps.length / 2)] })
    // Arrival can bunch two flushes together now and then; most are a wait apart.
    expect(gaps[Math.floor(gaps.length / 2)]).toBeGreaterThanOrEqual(2.5)
    for (const ws of readers) ws.terminate()
    destroyAll(writer, check)
    await server.close()
  }, 30_000)
})
