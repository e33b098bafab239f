// How long a large snapshot's insert keeps a live append waiting on SQLite:
// `node bin/run-ts.js bench/storage/snapshot-lock.ts [--mb 100] [--no-gaps]`. This thread inserts a
// snapshot of MB megabytes (1/8 snapshot encoding, 7/8 state, incompressible) into a fresh database
// (synchronous full) while a worker thread appends one small update every 2 ms to the same file
// through its own connection, as the server's loop does while a worker snapshots. Prints the
// insert's time and the appends' latencies (ms); `--no-gaps` writes the pieces as the server's own
// connection does (SqliteOptions.pieceGaps false). Figures go to docs/benchmarks.md.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import * as Y from 'yjs'
import { openSqliteStorage } from '../../server/storage/sqlite.ts'
import type { Attribution } from '../../server/storage/types.ts'
import { noiseBytes } from '../../tests/helpers/noise-bytes.ts'

const attribution: Attribution = { tokenId: null, role: 'server', delegation: null, identity: 'server', clientIds: [1] }

async function appender(dir: string): Promise<void> {
  const storage = openSqliteStorage(dir)
  const ydoc = new Y.Doc()
  ydoc.clientID = 1
  const times: number[] = []
  let stop = false
  parentPort!.on('message', () => { stop = true })
  parentPort!.postMessage('ready')
  while (!stop) {
    const sv = Y.encodeStateVector(ydoc)
    ydoc.getText('t').insert(0, 'y')
    const t0 = performance.now()
    storage.appendMany('d', [{ update: Y.encodeStateAsUpdate(ydoc, sv), attribution }])
    times.push(performance.now() - t0)
    await new Promise((r) => setTimeout(r, 2))
  }
  storage.close()
  parentPort!.postMessage(times)
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { mb: { type: 'string', default: '100' }, 'no-gaps': { type: 'boolean', default: false } } })
  const mb = Number(values.mb)
  if (!(mb > 0)) throw new RangeError(`--mb ${JSON.stringify(values.mb)} is not a positive number`)
  const dir = mkdtempSync(join(tmpdir(), 'podium-snapshot-lock-'))
  try {
    const storage = openSqliteStorage(dir, { pieceGaps: !values['no-gaps'] })
    storage.createDoc('d', 'D', Y.encodeStateAsUpdate(new Y.Doc()), attribution)
    const worker = new Worker(new URL('./snapshot-lock-entry.mjs', import.meta.url), { workerData: { dir } })
    await new Promise((r) => worker.once('message', r))
    const n = Math.round(mb * 1024 * 1024)
    const record = { doc: 'd', label: 'Large', createdAt: new Date().toISOString(), takenBy: 'bench', role: 'secretariat', cobDate: null, sha256: 'a'.repeat(64), upto: storage.lastUpdateId('d'), totals: { paragraphs: 0, open: 0, agreed: 0, brackets: 0, positions: 0, notes: 0 }, snapshot: noiseBytes(n >> 3, 1), state: noiseBytes(n - (n >> 3), 2) }
    await new Promise((r) => setTimeout(r, 200))
    const t0 = performance.now()
    storage.insertSnapshot(record)
    const insertMs = performance.now() - t0
    await new Promise((r) => setTimeout(r, 200))
    worker.postMessage('stop')
    const times = (await new Promise<number[]>((r) => worker.once('message', r))).sort((a, b) => a - b)
    await worker.terminate()
    storage.close()
    const at = (q: number) => Number(times[Math.min(times.length - 1, Math.floor(times.length * q))].toFixed(1))
    console.log(JSON.stringify({ mb, gaps: !values['no-gaps'], insertMs: Math.round(insertMs), appends: times.length, p50: at(0.5), p99: at(0.99), max: at(1) }))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (isMainThread) await main()
else await appender((workerData as { dir: string }).dir)
