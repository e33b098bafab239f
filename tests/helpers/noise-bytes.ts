/**
 * `n` pseudo-random bytes from `seed` (a linear congruential generator): the same seed gives the same
 * bytes, different seeds differ everywhere, and nothing SQLite or the disk could shortcut (no runs
 * to compress). For storage tests and benchmarks, not for anything secret.
 */
export function noiseBytes(n: number, seed: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`byte count ${n} is not a non-negative integer`)
  const a = new Uint8Array(n)
  for (let i = 0, x = seed; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0
    a[i] = x >>> 24
  }
  return a
}
