// Idle connections: server RSS with one synced client (baseline) and with N synced, idle ones.

import { BenchClient } from './client.ts'
import { memory } from './proc.ts'
import type { ServerChild } from './servers.ts'
import { sleep, until } from './stats.ts'

/** What one idle run measured (bytes). */
export interface IdleResult {
  connections: number
  baseRss: number
  loadedRss: number
  rssDelta: number
  rssPerConn: number
  /** JS heap plus external (Buffers) per connection, after a full GC. */
  heapPerConn: number
}

/** Opens `connections` idle clients in batches of 100 and measures RSS after a full GC. */
export async function runIdle(server: ServerChild, p: { connections: number }): Promise<IdleResult> {
  const clients: BenchClient[] = []
  try {
    const first = new BenchClient(server.target('bench', 0), { apply: 'none' })
    clients.push(first)
    if (!await until(() => first.synced, 30_000)) throw new Error(`${server.kind}: first idle client not synced`)
    await sleep(1000)
    const m0 = await server.mem()
    const baseHeap = m0.heapUsed + m0.external
    const baseRss = memory(server.pid).rss
    for (let i = 1; i < p.connections; i += 100) {
      const batch = Array.from({ length: Math.min(100, p.connections - i) }, (_, j) => new BenchClient(server.target('bench', i + j), { apply: 'none' }))
      clients.push(...batch)
      if (!await until(() => batch.every((c) => c.synced), 30_000)) throw new Error(`${server.kind}: idle batch not synced`)
    }
    await sleep(2000)
    const m1 = await server.mem()
    const heap = m1.heapUsed + m1.external
    const loadedRss = memory(server.pid).rss
    const added = p.connections - 1
    return { connections: p.connections, baseRss, loadedRss, rssDelta: loadedRss - baseRss, rssPerConn: (loadedRss - baseRss) / added, heapPerConn: (heap - baseHeap) / added }
  } finally {
    for (const c of clients) c.close()
    await sleep(300)
  }
}
