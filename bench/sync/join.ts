// Joins: one fresh client to a document with a long edit history (cold: the server loads it;
// warm: it is already loaded), and a crowd joining the session document at once.

import { BenchClient } from './client.ts'
import type { ServerChild } from './servers.ts'
import { percentiles, sleep, until } from './stats.ts'

/** What one join run measured (ms from connect to the server's step 2 arriving). */
export interface JoinResult {
  historyColdMs: number
  /** Median of 5 fresh clients while the document is loaded. */
  historyWarmMs: number
  /** Applying the received state to a fresh Y.Doc (client side). */
  historyApplyMs: number
  historyBytes: number
  joiners: number
  crowd: { p50: number; p95: number; p99: number; max: number; n: number }
  crowdSynced: number
}

const joinTime = (c: BenchClient) => c.syncedAt - c.startedAt

/** Runs the join scenarios on `server`; bounded by a timeout per step. */
export async function runJoin(server: ServerChild, p: { joiners: number }): Promise<JoinResult> {
  const open: BenchClient[] = []
  try {
    const first = new BenchClient(server.target('history', 0), { apply: 'none' })
    open.push(first)
    if (!await until(() => first.synced, 30_000)) throw new Error(`${server.kind}: history join timed out`)
    const warm: number[] = []
    let applyMs = 0
    for (let i = 0; i < 5; i++) {
      const c = new BenchClient(server.target('history', i + 1), { apply: i === 4 ? 'all' : 'none' })
      if (!await until(() => c.synced, 30_000)) throw new Error(`${server.kind}: warm history join timed out`)
      if (i === 4) applyMs = c.syncApplyMs
      else warm.push(joinTime(c))
      c.close()
      await sleep(100)
    }
    // The crowd joins the session document, not the history one.
    const loader = new BenchClient(server.target('bench', 0), { apply: 'none' })
    open.push(loader)
    await until(() => loader.synced, 30_000)
    await sleep(300)
    const crowd = Array.from({ length: p.joiners }, (_, i) => new BenchClient(server.target('bench', i), { apply: 'none' }))
    open.push(...crowd)
    await until(() => crowd.every((c) => c.synced), 30_000)
    const t0 = Math.min(...crowd.map((c) => c.startedAt))
    const synced = crowd.filter((c) => c.synced)
    return {
      historyColdMs: joinTime(first),
      historyWarmMs: percentiles(warm).p50,
      historyApplyMs: applyMs,
      historyBytes: first.syncBytes,
      joiners: p.joiners,
      crowd: percentiles(synced.map((c) => c.syncedAt - t0)),
      crowdSynced: synced.length
    }
  } finally {
    for (const c of open) c.close()
    await sleep(200)
  }
}
