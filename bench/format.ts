// Benchmark: parse + serialize + analyse of the seed and of a 50× concatenation of it (≈2 MB), and
// the import of a 43-page Word draft.
// Run with `npm run bench`; figures are recorded in docs/benchmarks.md.
import { existsSync, readFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { analyse } from '../shared/analysis/index.ts'
import { parsePodium, serializePodium } from '../shared/format/index.ts'
import { previewImport } from '../server/import/index.ts'

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

// Import of the 43-page SBSTA draft (../shared/fixtures/real-drafts): unzip under bounds, every XML
// part, numbering, footnotes, tables, the document built, its podium text and the analysis.
const SBSTA = new URL('../../shared/fixtures/real-drafts/unfccc_art62_sbsta_dd_1st_iteration.docx', import.meta.url)
if (existsSync(SBSTA)) {
  const bytes = new Uint8Array(readFileSync(SBSTA))
  const times: number[] = []
  for (let i = 0; i < 8; i++) {
    const t0 = performance.now()
    const p = await previewImport(bytes, 'sbsta.docx')
    if (!p.ok) throw new Error(p.message)
    if (i >= 2) times.push(performance.now() - t0)
  }
  times.sort((a, b) => a - b)
  console.log(`${'SBSTA draft import'.padEnd(22)} ${(bytes.length / 1024).toFixed(0).padStart(5)} KiB  median of ${times.length}: ${times[Math.floor(times.length / 2)].toFixed(0)} ms  (min ${times[0].toFixed(0)} ms, max ${times[times.length - 1].toFixed(0)} ms)`)
} else console.log('SBSTA draft import: skipped, ../shared/fixtures/real-drafts not found')
