// Sustained updates per second: W writers in a closed loop, each sending its next edit as soon as
// an observing client has received the previous one (so each round trip includes the server's
// write before broadcast, where it makes one).

import { BenchClient } from './client.ts'
import { EditLog } from './edits.ts'
import { cpuSeconds } from './proc.ts'
import type { ServerChild } from './servers.ts'
import { CODES, findSpots, randomClientId, Typist } from './typist.ts'
import { percentiles, sleep, until } from './stats.ts'

/** What one persistence run measured. */
export interface PersistResult {
  updatesPerSec: number
  roundTrip: { p50: number; p95: number; p99: number; max: number; n: number }
  serverCpuShare: number
}

/** Runs W closed-loop writers for `seconds`; bounded by time and 1,000,000 edits. */
export async function runPersist(server: ServerChild, p: { writers: number; seconds: number }): Promise<PersistResult> {
  const log = new EditLog()
  let waiting = 0
  const rtts: number[] = []
  let running = true
  let done = 0
  const writers: BenchClient[] = []
  const typists: Typist[] = []
  const fire = (i: number) => {
    if (!running || done > 1_000_000) return
    const t = performance.now()
    const key = writers[i].sendUpdate(typists[i].next())
    if (key) {
      log.add(i, key, t, true)
      waiting++
    }
  }
  const observer = new BenchClient(server.target('bench', 0), {
    apply: 'all',
    onUpdate: (update, at) => {
      for (const e of log.resolve(update)) {
        if (e.seen++) continue
        waiting--
        done++
        rtts.push(at - e.t)
        // Next edit on a later tick, as a person would not type within the same event.
        setImmediate(() => fire(e.sender))
      }
    }
  })
  try {
    for (let i = 0; i < p.writers; i++) writers.push(new BenchClient(server.target('bench', i + 1), { apply: 'none' }))
    if (!await until(() => observer.synced && writers.every((w) => w.synced), 60_000)) throw new Error(`${server.kind}: persist clients not synced`)
    const spots = findSpots(observer.ydoc!)
    for (let i = 0; i < p.writers; i++) typists.push(new Typist(randomClientId(), spots, writers[i].target.delegation ?? CODES[i % CODES.length]))
    await sleep(300)
    const cpu0 = cpuSeconds(server.pid)
    const t0 = performance.now()
    for (let i = 0; i < writers.length; i++) fire(i)
    await sleep(p.seconds * 1000)
    running = false
    const elapsed = (performance.now() - t0) / 1000
    const cpu = cpuSeconds(server.pid) - cpu0
    await until(() => waiting === 0, 5000)
    return { updatesPerSec: done / elapsed, roundTrip: percentiles(rtts), serverCpuShare: cpu / elapsed }
  } finally {
    running = false
    observer.close()
    for (const w of writers) w.close()
    await sleep(200)
  }
}
