// Podium's own view: the podium_fanout_seconds and podium_storage_append_seconds histograms of each
// server's /metrics (issue 15's prom-client metrics) and its forwarded updates, summed over the
// servers still running.

import type { Arm } from './arms.ts'

/** Count and bucket quantiles (upper bounds, ms) of one histogram series, summed over servers. */
export interface HistogramSummary {
  count: number
  /** Sum of the observations, in ms. */
  sumMs: number
  p50Ms: number
  p99Ms: number
}

/** The servers' fan-out histograms by source (local, remote) and append histograms by op (append, append_many). */
export interface ServerHistograms {
  fanout: Record<string, HistogramSummary>
  append: Record<string, HistogramSummary>
  /** podium_updates_forwarded_total summed: clients' updates sent to another server's holder. */
  forwarded: number
}

// Bucket quantile: the upper bound of the first bucket holding the q-th observation.
function quantileOf(buckets: [number, number][], q: number): number {
  const total = buckets.at(-1)?.[1] ?? 0
  if (total === 0) return NaN
  for (const [le, n] of buckets) if (n >= q * total) return le * 1000
  return Infinity
}

function summarise(text: string[], name: string, label: string): Record<string, HistogramSummary> {
  const buckets = new Map<string, Map<number, number>>()
  const sums = new Map<string, number>()
  const bucketLine = new RegExp(`^${name}_bucket\\{le="([^"]+)",${label}="([^"]+)"\\} (\\S+)$`, 'gm')
  const sumLine = new RegExp(`^${name}_sum\\{${label}="([^"]+)"\\} (\\S+)$`, 'gm')
  for (const t of text) {
    for (const m of t.matchAll(bucketLine)) {
      const le = m[1] === '+Inf' ? Infinity : Number(m[1])
      const by = buckets.get(m[2]) ?? new Map<number, number>()
      by.set(le, (by.get(le) ?? 0) + Number(m[3]))
      buckets.set(m[2], by)
    }
    for (const m of t.matchAll(sumLine)) sums.set(m[1], (sums.get(m[1]) ?? 0) + Number(m[2]) * 1000)
  }
  const out: Record<string, HistogramSummary> = {}
  for (const [key, by] of buckets) {
    const sorted = [...by].sort((a, b) => a[0] - b[0])
    out[key] = { count: sorted.at(-1)?.[1] ?? 0, sumMs: sums.get(key) ?? 0, p50Ms: quantileOf(sorted, 0.5), p99Ms: quantileOf(sorted, 0.99) }
  }
  return out
}

/** The histograms of the arm's Podium servers, or null for other servers (no podium_* metrics). */
export async function scrapeHistograms(arm: Arm): Promise<ServerHistograms | null> {
  const texts: string[] = []
  for (const k of arm.alive()) {
    try {
      const res = await fetch(`http://127.0.0.1:${arm.servers[k].info.port}/metrics`, { signal: AbortSignal.timeout(5000) })
      const text = await res.text()
      if (text.includes('podium_fanout_seconds')) texts.push(text)
    } catch {
      // not a Podium, or gone
    }
  }
  if (texts.length === 0) return null
  const forwarded = texts.reduce((n, t) => n + Number(/^podium_updates_forwarded_total (\S+)$/m.exec(t)?.[1] ?? 0), 0)
  return { fanout: summarise(texts, 'podium_fanout_seconds', 'source'), append: summarise(texts, 'podium_storage_append_seconds', 'op'), forwarded }
}
