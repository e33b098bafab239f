// Where a process stood still: garbage-collection pauses (PerformanceObserver 'gc') and the
// event-loop delay. Both the load generator and each server child keep one, so a slow delivery can
// be laid against the pauses on either side of it. Times are wall-clock epoch milliseconds, which
// both processes share.

import { monitorEventLoopDelay, performance, PerformanceObserver, type IntervalHistogram } from 'node:perf_hooks'

/** One pause: when it started (epoch ms) and how long it lasted (ms). */
export type Pause = [start: number, ms: number]

/** What a tracer saw since its last reset. */
export interface PauseReport {
  gcCount: number
  gcTotalMs: number
  gcMaxMs: number
  /** GC pauses of at least `keepMs`, in order. */
  gcPauses: Pause[]
  /** Event-loop stalls: gaps of over 10 ms between the ticks of a 2 ms timer, in order. */
  stalls: Pause[]
  lagP50Ms: number
  lagP99Ms: number
  lagMaxMs: number
}

/** Records GC pauses and event-loop delay until stopped. */
export class PauseTracer {
  private observer: PerformanceObserver
  private lag: IntervalHistogram
  private report!: PauseReport
  private ticker: ReturnType<typeof setInterval>

  /** `keepMs`: GC pauses at least this long are kept one by one (the rest only counted). */
  constructor (private readonly keepMs = 2) {
    this.reset()
    this.observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const r = this.report
        r.gcCount++
        r.gcTotalMs += e.duration
        if (e.duration > r.gcMaxMs) r.gcMaxMs = e.duration
        if (e.duration >= this.keepMs && r.gcPauses.length < 100_000) r.gcPauses.push([performance.timeOrigin + e.startTime, e.duration])
      }
    })
    this.observer.observe({ entryTypes: ['gc'] })
    this.lag = monitorEventLoopDelay({ resolution: 5 })
    this.lag.enable()
    let last = performance.now()
    this.ticker = setInterval(() => {
      const now = performance.now()
      if (now - last > 10 && this.report.stalls.length < 100_000) this.report.stalls.push([performance.timeOrigin + last, now - last])
      last = now
    }, 2)
    this.ticker.unref()
  }

  /** Forgets everything seen so far. */
  reset(): void {
    this.report = { gcCount: 0, gcTotalMs: 0, gcMaxMs: 0, gcPauses: [], stalls: [], lagP50Ms: 0, lagP99Ms: 0, lagMaxMs: 0 }
    this.lag?.reset()
  }

  /** What was seen since the last reset. */
  read(): PauseReport {
    return { ...this.report, lagP50Ms: this.lag.percentile(50) / 1e6, lagP99Ms: this.lag.percentile(99) / 1e6, lagMaxMs: this.lag.max / 1e6 }
  }

  /** Stops recording (the observer, the histogram and the stall timer). */
  stop(): void {
    clearInterval(this.ticker)
    this.observer.disconnect()
    this.lag.disable()
  }
}

/** Whether [from, to] (epoch ms) overlaps one of `pauses` (sorted by start). */
export function overlapsPause(pauses: Pause[], from: number, to: number): boolean {
  // Binary search for the last pause starting before `to`, then look back a little.
  let lo = 0
  let hi = pauses.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (pauses[mid][0] < to) lo = mid + 1
    else hi = mid
  }
  for (let i = lo - 1; i >= 0 && i >= lo - 8; i--) {
    if (pauses[i][0] + pauses[i][1] > from) return true
  }
  return false
}
