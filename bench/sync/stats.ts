// Small statistics for the bench: percentiles of samples, median and spread of repeats.

/** The q-quantile (0–1) of sorted numbers, nearest rank; NaN when empty. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]
}

/** p50, p95, p99 and max of samples (sorts a copy). */
export function percentiles(samples: ArrayLike<number>): { p50: number; p95: number; p99: number; max: number; n: number } {
  const s = Float64Array.from(samples as ArrayLike<number>).sort()
  return { p50: quantile(s, 0.5), p95: quantile(s, 0.95), p99: quantile(s, 0.99), max: s.length ? s[s.length - 1] : NaN, n: s.length }
}

/** Median, minimum and maximum of repeated measurements. */
export function summary(values: number[]): { median: number; min: number; max: number } {
  const s = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b)
  if (s.length === 0) return { median: NaN, min: NaN, max: NaN }
  const mid = s.length >> 1
  return { median: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2, min: s[0], max: s[s.length - 1] }
}

/** `median (min–max)` with `digits` decimals. */
export function fmt(values: number[], digits = 1): string {
  const { median, min, max } = summary(values)
  if (!Number.isFinite(median)) return '—'
  return values.length > 1 ? `${median.toFixed(digits)} (${min.toFixed(digits)}–${max.toFixed(digits)})` : median.toFixed(digits)
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Polls `ok` every 20 ms until true or `timeoutMs` has passed; resolves with whether it became true. */
export async function until(ok: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs
  while (!ok()) {
    if (performance.now() > deadline) return false
    await sleep(20)
  }
  return true
}
