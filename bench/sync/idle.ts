// Idle connections: what each synced, idle connection costs a server in RSS.
//
// RSS after the first N joins is mostly not per connection: the V8 heap grows its new space and
// the C allocator keeps what the join traffic used, and neither is given back when the connections
// close, nor taken again when N more arrive (seen on every server). So three figures are taken,
// each after a full GC, with joins in batches of 100:
//   cold  — RSS growth from one client to N, per connection (includes that one-time growth);
//   warm  — the same N again after the first N came and went;
//   slope — RSS growth from N to `scale` × N connections, per added connection: what one more idle
//           connection costs once the server is warm, with the noise of a few MB spread thin.

import { BenchClient } from './client.ts'
import { memory } from './proc.ts'
import type { ServerChild } from './servers.ts'
import { sleep, until } from './stats.ts'

/** What one idle run measured (bytes). */
export interface IdleResult {
  connections: number
  /** Connections at the end of the slope. */
  scaledTo: number
  baseRss: number
  /** RSS with the first N connections, and after they all closed. */
  coldRss: number
  closedRss: number
  /** RSS with N connections again, and with scaledTo connections. */
  warmRss: number
  scaledRss: number
  coldPerConn: number
  warmPerConn: number
  slopePerConn: number
  /** RSS growth from one client to scaledTo connections, per connection. */
  totalPerConn: number
  /** JS heap plus external (Buffers) per connection on the slope, after a full GC. */
  heapPerConn: number
}

/** Opens `count` idle clients in batches of 100 (ids from `from`), each synced within 30 s. */
async function openIdle(server: ServerChild, from: number, count: number): Promise<BenchClient[]> {
  const out: BenchClient[] = []
  for (let i = 0; i < count; i += 100) {
    const batch = Array.from({ length: Math.min(100, count - i) }, (_, j) => new BenchClient(server.target('bench', from + i + j), { apply: 'none' }))
    out.push(...batch)
    if (!await until(() => batch.every((c) => c.synced), 30_000)) {
      for (const c of out) c.close()
      throw new Error(`${server.kind}: idle batch not synced`)
    }
  }
  return out
}

/** Runs the idle measurement with N = `connections`, up to `scale` × N. Bounded by count and time. */
export async function runIdle(server: ServerChild, p: { connections: number; scale: number }): Promise<IdleResult> {
  const clients: BenchClient[] = []
  const settle = async () => {
    await sleep(2000)
    const m = await server.mem()
    return { rss: memory(server.pid).rss, heap: m.heapUsed + m.external }
  }
  try {
    const first = new BenchClient(server.target('bench', 0), { apply: 'none' })
    clients.push(first)
    if (!await until(() => first.synced, 30_000)) throw new Error(`${server.kind}: first idle client not synced`)
    const base = await settle()
    const n = p.connections
    const cold = await openIdle(server, 1, n)
    const atCold = await settle()
    for (const c of cold) c.close()
    const closed = await settle()
    clients.push(...await openIdle(server, 1, n))
    const warm = await settle()
    const extra = Math.max(0, Math.round(n * p.scale) - n)
    clients.push(...await openIdle(server, n + 1, extra))
    const scaled = await settle()
    return {
      connections: n,
      scaledTo: n + extra,
      baseRss: base.rss,
      coldRss: atCold.rss,
      closedRss: closed.rss,
      warmRss: warm.rss,
      scaledRss: scaled.rss,
      coldPerConn: (atCold.rss - base.rss) / n,
      warmPerConn: (warm.rss - closed.rss) / n,
      slopePerConn: extra ? (scaled.rss - warm.rss) / extra : NaN,
      totalPerConn: (scaled.rss - base.rss) / (n + extra),
      heapPerConn: extra ? (scaled.heap - warm.heap) / extra : NaN
    }
  } finally {
    for (const c of clients) c.close()
    await sleep(300)
  }
}
