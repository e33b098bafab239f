// Podium's own view of fan-out: the podium_fanout_seconds histogram of each server's /metrics
// (issue 15's prom-client metrics), summed over the servers still running.

import type { Arm } from './arms.ts'

/** Counts and bucket quantiles of the servers' fan-out histograms, by source (local connection, another server). */
export type ServerFanout = Record<string, { count: number; p50Ms: number; p99Ms: number }>

// Bucket quantile: the upper bound of the first bucket holding the q-th observation.
function quantileOf(buckets: [number, number][], q: number): number {
  const total = buckets.at(-1)?.[1] ?? 0
  if (total === 0) return NaN
  for (const [le, n] of buckets) if (n >= q * total) return le * 1000
  return Infinity
}

/** The fan-out histograms of the arm's Podium servers, or null for other servers (no podium_fanout_seconds). */
export async function scrapeFanout(arm: Arm): Promise<ServerFanout | null> {
  const sums = new Map<string, Map<number, number>>()
  let any = false
  for (const k of arm.alive()) {
    let text: string
    try {
      const res = await fetch(`http://127.0.0.1:${arm.servers[k].info.port}/metrics`, { signal: AbortSignal.timeout(5000) })
      text = await res.text()
    } catch {
      continue
    }
    for (const m of text.matchAll(/^podium_fanout_seconds_bucket\{le="([^"]+)",source="([^"]+)"\} (\d+)$/gm)) {
      any = true
      const le = m[1] === '+Inf' ? Infinity : Number(m[1])
      const bySource = sums.get(m[2]) ?? new Map<number, number>()
      bySource.set(le, (bySource.get(le) ?? 0) + Number(m[3]))
      sums.set(m[2], bySource)
    }
  }
  if (!any) return null
  const out: ServerFanout = {}
  for (const [source, buckets] of sums) {
    const sorted = [...buckets].sort((a, b) => a[0] - b[0])
    out[source] = { count: sorted.at(-1)?.[1] ?? 0, p50Ms: quantileOf(sorted, 0.5), p99Ms: quantileOf(sorted, 0.99) }
  }
  return out
}
