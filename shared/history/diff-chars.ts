// A sequence diff (Myers' O(ND) algorithm): which elements of `a` and `b` are common.

/** For each element of `a` and of `b` (compared with ===), whether it is in the common subsequence found. */
export function commonElements<T>(a: ArrayLike<T>, b: ArrayLike<T>): { inA: boolean[]; inB: boolean[] } {
  const n = a.length
  const m = b.length
  const max = n + m
  const inA = new Array<boolean>(n).fill(false)
  const inB = new Array<boolean>(m).fill(false)
  if (n === 0 || m === 0) return { inA, inB }
  const offset = max + 1
  let v = new Int32Array(2 * max + 3)
  const trace: Int32Array[] = []
  let found = false
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice())
    const next = v.slice()
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1
      let y = x - k
      while (x < n && y < m && a[x] === b[y]) { x++; y++ }
      next[offset + k] = x
      if (x >= n && y >= m) { found = true; break }
    }
    v = next
  }
  // Walk back through the trace, marking the diagonal (common) moves.
  let x = n
  let y = m
  for (let d = trace.length - 1; d >= 0 && (x > 0 || y > 0); d--) {
    const vPrev = trace[d]
    const k = x - y
    const prevK = k === -d || (k !== d && vPrev[offset + k - 1] < vPrev[offset + k + 1]) ? k + 1 : k - 1
    const prevX = d === 0 ? 0 : vPrev[offset + prevK]
    const prevY = prevX - prevK
    while (x > prevX && y > prevY) { x--; y--; inA[x] = true; inB[y] = true }
    if (d > 0) { x = prevX; y = prevY }
  }
  return { inA, inB }
}
