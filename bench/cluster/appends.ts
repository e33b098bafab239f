// How many appends one document's storage takes per second: Podium's own append (hash-chain link,
// audit row, deletion record, one transaction) of typical typed updates, one call after another as
// the room makes them — one update per call, and a turn's batch of several in one appendMany — on
// SQLite (synchronous=full) and on PostgreSQL (a schema of its own, dropped after). The ceiling of
// one document under one authoritative server; `npm run bench:cluster -- --appends`.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as Y from 'yjs'
import { openSqliteStorage } from '../../server/storage/sqlite.ts'
import { openPostgresStorage } from '../../server/storage/postgres/index.ts'
import { serverAttribution } from '../../server/documents.ts'
import { updateClients } from '../../server/sync/update-meta.ts'
import type { Attribution, Storage } from '../../server/storage/types.ts'
import type { BatchAppend } from '../../server/storage/append-types.ts'
import { encodeDeletions } from '../../server/storage/deletions.ts'
import { seedUpdate } from '../sync/seed-doc.ts'
import { percentiles } from '../sync/stats.ts'
import { findSpots, randomClientId, Typist } from '../sync/typist.ts'
import { newYDoc } from '../../shared/ydoc.ts'
import { POSTGRES_URL, createSchema, dropSchema } from './services.ts'

/** One storage's figures: updates per second and per-call latency, for single appends and batches. */
export interface AppendResult {
  storage: string
  batch: number
  updatesPerSec: number
  callsPerSec: number
  callMs: ReturnType<typeof percentiles>
}

// Typed updates as delegations make them (bench/sync/typist.ts), with their delete sets encoded as the room does.
function updates(n: number): { update: Uint8Array; deletions: Uint8Array | null; clients: number[] }[] {
  const doc = newYDoc()
  Y.applyUpdate(doc, seedUpdate())
  const typists = Array.from({ length: 20 }, (_, i) => new Typist(randomClientId(), findSpots(doc), ['CHN', 'IND', 'RUS', 'EGY'][i % 4]))
  const out = []
  for (let i = 0; i < n; i++) {
    const update = typists[i % typists.length].next()
    let deletions: Uint8Array | null = null
    const capture = (_u: Uint8Array, _o: unknown, _d: Y.Doc, tr: Y.Transaction) => { deletions = encodeDeletions(tr.deleteSet) }
    doc.on('update', capture)
    Y.applyUpdate(doc, update)
    doc.off('update', capture)
    out.push({ update, deletions, clients: updateClients(update) })
  }
  return out
}

const attribution = (clientIds: number[]): Attribution => ({ tokenId: null, role: 'delegation', delegation: 'IND', identity: 'delegation:IND', clientIds })

// Appends `items` in calls of `batch` for at most `seconds`; returns the figures.
function measure(name: string, storage: Storage & BatchAppend, items: ReturnType<typeof updates>, batch: number, seconds: number, doc = `appends-${batch}`): AppendResult {
  const seed = seedUpdate()
  storage.createDoc(doc, 'Appends', seed, serverAttribution(updateClients(seed)))
  const calls: number[] = []
  const t0 = performance.now()
  let i = 0
  while (i + batch <= items.length && performance.now() - t0 < seconds * 1000) {
    const chunk = items.slice(i, i + batch).map((x) => ({ update: x.update, attribution: attribution(x.clients), deletions: x.deletions ?? undefined }))
    const t = performance.now()
    if (batch === 1) storage.append(doc, chunk[0].update, chunk[0].attribution)
    else storage.appendMany(doc, chunk)
    calls.push(performance.now() - t)
    i += batch
  }
  const s = (performance.now() - t0) / 1000
  return { storage: name, batch, updatesPerSec: i / s, callsPerSec: calls.length / s, callMs: percentiles(calls) }
}

/** Runs the append measurement on SQLite and PostgreSQL, `seconds` per case, for single appends and batches of `batch`. */
export async function runAppends(seconds: number, batch: number): Promise<AppendResult[]> {
  const items = updates(20_000)
  const results: AppendResult[] = []
  const dir = mkdtempSync(join(tmpdir(), 'podium-bench-appends-'))
  const sqlite = openSqliteStorage(dir)
  try {
    for (const b of [1, batch]) results.push(measure('sqlite (synchronous=full)', sqlite, items, b, seconds))
  } finally {
    sqlite.close()
    rmSync(dir, { recursive: true, force: true })
  }
  const schema = `bench_cluster_${process.pid}_appends`
  await createSchema(schema)
  try {
    const pg = openPostgresStorage(`${POSTGRES_URL}?schema=${schema}`)
    try {
      for (const b of [1, batch]) results.push(measure('postgresql', pg, items, b, seconds))
    } finally {
      pg.close()
    }
  } finally {
    await dropSchema(schema)
  }
  return results
}

/** Several appenders at once, each on its own document (as the authoritative servers of several documents are). */
export interface ParallelAppendResult {
  streams: number
  updatesPerSec: number
  callMsP50: number
  callMsP99: number
}

/**
 * `streams` processes appending single updates at once to PostgreSQL, each to its own document, for
 * `seconds`: what the database takes from a cluster as a whole. Children run this file with
 * BENCH_APPEND_STREAM set.
 */
export async function runParallelAppends(streams: number, seconds: number): Promise<ParallelAppendResult> {
  const { spawn } = await import('node:child_process')
  const schema = `bench_cluster_${process.pid}_streams`
  await createSchema(schema)
  const url = `${POSTGRES_URL}?schema=${schema}`
  // One process opens the storage first, so the migrations run once.
  openPostgresStorage(url).close()
  try {
    const runTs = new URL('../../bin/run-ts.js', import.meta.url).pathname
    const self = new URL(import.meta.url).pathname
    const outputs = await Promise.all(Array.from({ length: streams }, (_, k) => new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [runTs, self], { env: { ...process.env, BENCH_APPEND_STREAM: JSON.stringify({ url, doc: `stream-${k}`, seconds }) }, stdio: ['ignore', 'pipe', 'inherit'] })
      let out = ''
      child.stdout!.on('data', (d: Buffer) => { out += d.toString() })
      child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`append stream ${k} exited with ${code}`))))
    })))
    const results = outputs.map((o) => JSON.parse(o.trim().split('\n').at(-1)!) as AppendResult)
    const sorted = (f: (r: AppendResult) => number) => results.map(f).sort((a, b) => a - b)
    return { streams, updatesPerSec: results.reduce((n, r) => n + r.updatesPerSec, 0), callMsP50: sorted((r) => r.callMs.p50)[Math.floor(streams / 2)], callMsP99: sorted((r) => r.callMs.p99).at(-1)! }
  } finally {
    await dropSchema(schema)
  }
}

// A child of runParallelAppends: single appends to its own document, one JSON line out.
if (process.env.BENCH_APPEND_STREAM) {
  const { url, doc, seconds } = JSON.parse(process.env.BENCH_APPEND_STREAM) as { url: string; doc: string; seconds: number }
  const storage = openPostgresStorage(url)
  try {
    const result = measure('postgresql', storage, updates(Math.ceil(seconds * 400)), 1, seconds, doc)
    process.stdout.write(JSON.stringify(result) + '\n')
  } finally {
    storage.close()
  }
}
