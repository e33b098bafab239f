// Benchmark: parse + serialize + analyse of the seed and of a 50× concatenation of it (≈2 MB).
// Run with `npm run bench`; figures are recorded in docs/benchmarks.md.
import { readFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { analyse } from '../shared/analysis/index.ts'
import { parsePodium, serializePodium } from '../shared/format/index.ts'

const seed = readFileSync(new URL('../fixtures/seed.txt', import.meta.url), 'utf8')
const big = Array.from({ length: 50 }, () => seed).join('\n\n')

function measure(label: string, text: string, runs: number) {
  const times: Record<string, number[]> = { parse: [], serialize: [], analyse: [], total: [] }
  for (let i = 0; i < runs + 3; i++) {
    const t0 = performance.now()
    const { doc } = parsePodium(text)
    const t1 = performance.now()
    const out = serializePodium(doc)
    const t2 = performance.now()
    analyse(doc)
    const t3 = performance.now()
    if (out.length === 0) throw new Error('empty output')
    if (i < 3) continue // warm-up
    times.parse.push(t1 - t0); times.serialize.push(t2 - t1); times.analyse.push(t3 - t2); times.total.push(t3 - t0)
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  const fmt = (k: string) => `${k} ${median(times[k]).toFixed(1)} ms`
  console.log(`${label.padEnd(22)} ${(text.length / 1024).toFixed(0).padStart(5)} KiB  median of ${runs}: ${['parse', 'serialize', 'analyse', 'total'].map(fmt).join(', ')}  (min total ${Math.min(...times.total).toFixed(1)} ms)`)
}

console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`)
measure('seed', seed, 30)
measure('seed × 50', big, 10)
