// The price of the storage backends as the sync loop pays it: `npm run bench:storage [-- --appends N
// --batches B --postgres URL]`. For SQLite (synchronous full, then normal) and PostgreSQL (through
// the synchronous bridge, a schema of its own dropped afterwards): the latency of one append (one
// keystroke's update, as a quiet room stores it), of appendMany with 10 updates (a busy room's turn),
// of a load of the document, and of a token lookup (every connection and REST call). One process,
// one core's worth of work; figures go to docs/benchmarks.md.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import * as Y from 'yjs'
import pg from 'pg'
import { openStorage, type OpenedStorage, type StorageSpec } from '../../server/storage/open.ts'
import { percentiles } from '../sync/stats.ts'

const { values: args } = parseArgs({
  options: {
    appends: { type: 'string', default: '2000' },
    batches: { type: 'string', default: '300' },
    postgres: { type: 'string', default: process.env.PODIUM_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test' }
  }
})
const APPENDS = Number(args.appends)
const BATCHES = Number(args.batches)
if (!(APPENDS > 0) || !(BATCHES > 0)) throw new RangeError(`--appends ${args.appends} and --batches ${args.batches} must be positive numbers`)

const attribution = { tokenId: 'bench', role: 'delegation' as const, delegation: 'IND', identity: 'delegation:IND', clientIds: [1] }

// One character typed per update, as an editor sends them.
function keystrokes (n: number): { first: Uint8Array; next: () => Uint8Array } {
  const doc = new Y.Doc()
  const text = doc.getText('t')
  text.insert(0, 'Recalling its resolution ')
  const first = Y.encodeStateAsUpdate(doc)
  let pending: Uint8Array | null = null
  doc.on('update', (u: Uint8Array) => { pending = u })
  let i = 0
  return { first, next: () => { text.insert(text.length, String.fromCharCode(97 + (i++ % 26))); return pending! } }
}

const ms = (t0: number) => performance.now() - t0
const row = (name: string, samples: number[]) => {
  const p = percentiles(samples)
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length
  return `| ${name} | ${p.p50.toFixed(3)} | ${p.p99.toFixed(3)} | ${mean.toFixed(3)} | ${Math.round(1000 / mean)} |`
}

function run (label: string, storage: OpenedStorage): string[] {
  const k = keystrokes(APPENDS)
  storage.createDoc('bench', 'Bench', k.first, attribution)
  storage.insertToken({ id: 'bench', hash: 'h'.repeat(64), role: 'delegation', delegation: 'IND', label: null, doc: null, createdAt: new Date().toISOString(), revokedAt: null })
  for (let i = 0; i < 100; i++) storage.append('bench', k.next(), attribution)
  const one: number[] = []
  for (let i = 0; i < APPENDS; i++) {
    const u = k.next()
    const t0 = performance.now()
    storage.append('bench', u, attribution)
    one.push(ms(t0))
  }
  const many: number[] = []
  for (let i = 0; i < BATCHES; i++) {
    const items = Array.from({ length: 10 }, () => ({ update: k.next(), attribution }))
    const t0 = performance.now()
    storage.appendMany('bench', items)
    many.push(ms(t0))
  }
  const loads: number[] = []
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now()
    storage.load('bench')
    loads.push(ms(t0))
  }
  const tokens: number[] = []
  for (let i = 0; i < 500; i++) {
    const t0 = performance.now()
    storage.tokenByHash('h'.repeat(64))
    tokens.push(ms(t0))
  }
  const rows = storage.pendingCount('bench')
  return [
    row(`${label}: append (1 update)`, one),
    row(`${label}: appendMany (10 updates)`, many),
    row(`${label}: load (${rows} log rows)`, loads),
    row(`${label}: tokenByHash`, tokens)
  ]
}

const lines = ['| backend: operation | p50 ms | p99 ms | mean ms | calls/s |', '|---|---:|---:|---:|---:|']
for (const synchronous of ['full', 'normal'] as const) {
  const dir = mkdtempSync(join(tmpdir(), 'podium-bench-storage-'))
  const s = openStorage({ dataDir: dir, synchronous })
  try {
    lines.push(...run(`SQLite (synchronous ${synchronous})`, s))
  } finally {
    s.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
const schema = `podium_bench_${process.pid}`
const url = new URL(args.postgres!)
url.searchParams.set('schema', schema)
const spec: StorageSpec = { postgres: url.toString() }
const s = openStorage(spec)
try {
  lines.push(...run('PostgreSQL (bridge)', s))
} finally {
  s.close()
  const c = new pg.Client({ connectionString: args.postgres })
  await c.connect()
  await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await c.end()
}
process.stdout.write(`storage latency, ${APPENDS} appends, ${BATCHES} batches of 10, one process (${new Date().toISOString()})\n${lines.join('\n')}\n`)
