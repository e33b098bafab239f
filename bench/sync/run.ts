// The sync benchmark runner: `npm run bench:sync [-- flags]`. Pins itself (the load generator) to
// core 1 and each server child to core 0, runs each scenario against Podium, the reference
// y-websocket server and Hocuspocus in turn, repeats, prints tables and writes JSON to bench/results/.
//
// Flags (or env BENCH_*): --scenario fanout|join|idle|persist|all  --servers podium,reference,hocuspocus
//   --clients N (200) --rate R (2) --seconds T (20) --warmup W (2) --repeats K (3)
//   --full F (2, editors applying every update)
//   --history H (50000) --joiners J (300) --idle I (1000) --idle-scale S (5) --writers W (20)  --prof (podium --cpu-prof)
//   --synchronous full|normal (Podium's SQLite setting in the fan-out; persist runs both)

import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { runFanout, type FanoutResult } from './fanout.ts'
import { runJoin, type JoinResult } from './join.ts'
import { runIdle, type IdleResult } from './idle.ts'
import { runPersist, type PersistResult } from './persist.ts'
import { historyUpdates, packUpdates, seedUpdate } from './seed-doc.ts'
import { SERVER_KINDS, startChild, type ServerKind } from './servers.ts'
import { fmt, summary } from './stats.ts'

const { values: args } = parseArgs({
  options: {
    scenario: { type: 'string', default: process.env.BENCH_SCENARIO ?? 'fanout' },
    servers: { type: 'string', default: process.env.BENCH_SERVERS ?? SERVER_KINDS.join(',') },
    clients: { type: 'string', default: process.env.BENCH_CLIENTS ?? '200' },
    rate: { type: 'string', default: process.env.BENCH_RATE ?? '2' },
    seconds: { type: 'string', default: process.env.BENCH_SECONDS ?? '20' },
    warmup: { type: 'string', default: process.env.BENCH_WARMUP ?? '2' },
    repeats: { type: 'string', default: process.env.BENCH_REPEATS ?? '3' },
    history: { type: 'string', default: process.env.BENCH_HISTORY ?? '50000' },
    joiners: { type: 'string', default: process.env.BENCH_JOINERS ?? '300' },
    idle: { type: 'string', default: process.env.BENCH_IDLE ?? '1000' },
    'idle-scale': { type: 'string', default: process.env.BENCH_IDLE_SCALE ?? '5' },
    writers: { type: 'string', default: process.env.BENCH_WRITERS ?? '20' },
    full: { type: 'string', default: process.env.BENCH_FULL ?? '2' },
    prof: { type: 'boolean', default: false },
    synchronous: { type: 'string', default: process.env.BENCH_SYNCHRONOUS ?? 'full' }
  }
})
const num = (s: string | undefined, name: string, max: number) => {
  const n = Number(s)
  if (!(n > 0) || n > max) throw new RangeError(`--${name} ${s} is not a number in (0, ${max}]`)
  return n
}
if (args.synchronous !== 'full' && args.synchronous !== 'normal') throw new RangeError(`--synchronous ${args.synchronous} is not full or normal`)
const synchronous = args.synchronous as 'full' | 'normal'
const servers = args.servers!.split(',').map((s) => s.trim()) as ServerKind[]
for (const s of servers) if (!SERVER_KINDS.includes(s)) throw new RangeError(`unknown server ${s} (${SERVER_KINDS.join(', ')})`)
const scenarios = args.scenario === 'all' ? ['fanout', 'join', 'idle', 'persist'] : args.scenario!.split(',')
const repeats = num(args.repeats, 'repeats', 20)
const fanoutParams = { clients: num(args.clients, 'clients', 2000), rate: num(args.rate, 'rate', 50), seconds: num(args.seconds, 'seconds', 600), warmup: Number(args.warmup) || 0, full: 0 }
fanoutParams.full = Math.min(fanoutParams.clients, num(args.full, 'full', 2000))

// The load generator on core 1 (every thread), the servers on core 0.
try {
  execFileSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' })
} catch {
  console.warn('taskset failed: the load generator is not pinned')
}

const machine = { nproc: cpus().length, cpu: cpus()[0]?.model ?? '?', node: process.version, date: new Date().toISOString(), loadavg: loadavg() }
console.log(`node ${machine.node}, ${machine.nproc} × ${machine.cpu}; servers on core 0, load generator on core 1; load average ${machine.loadavg.map((x) => x.toFixed(2)).join(' ')}`)

const work = mkdtempSync(join(tmpdir(), 'podium-bench-'))
const seedFile = join(work, 'seed.bin')
writeFileSync(seedFile, packUpdates([seedUpdate()]))
let historyFile: string | undefined
if (scenarios.includes('join')) {
  const t = performance.now()
  historyFile = join(work, 'history.bin')
  writeFileSync(historyFile, packUpdates(historyUpdates(num(args.history, 'history', 1_000_000))))
  console.log(`history of ${args.history} updates built in ${((performance.now() - t) / 1000).toFixed(1)} s`)
}

const results: Record<string, unknown> = { machine, args }
// --prof: a --cpu-prof of every Podium server child, in bench/results/.
const profFlags = (kind: ServerKind) => (args.prof && kind === 'podium' ? ['--cpu-prof', '--cpu-prof-dir=bench/results'] : [])
const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '—')
const med = (xs: number[]) => summary(xs).median

function table(title: string, header: string[], rows: string[][]): void {
  console.log(`\n${title}\n| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`)
  for (const r of rows) console.log(`| ${r.join(' | ')} |`)
}

try {
  if (scenarios.includes('fanout')) {
    const runs: Record<string, FanoutResult[]> = {}
    for (let r = 0; r < repeats; r++) {
      // Interleaved, so drift on a shared machine spreads over every server.
      for (const kind of servers) {
        const server = await startChild(kind, { seedFile, synchronous, nodeFlags: profFlags(kind) })
        try {
          const res = await runFanout(server, fanoutParams)
          ;(runs[kind] ??= []).push(res)
          console.log(`fanout ${kind} #${r + 1}: p50 ${res.latencyMs.p50.toFixed(1)} p99 ${res.latencyMs.p99.toFixed(1)} max ${res.latencyMs.max.toFixed(1)} ms, ${res.deliveredPerSec.toFixed(0)} upd/s, cpu ${res.serverCpuPer1000.toFixed(3)} s/1000, server ${(res.serverCpuShare * 100).toFixed(0)}% loadgen ${(res.loadgenCpuShare * 100).toFixed(0)}% lag p99 ${res.loadgenLagMs.p99.toFixed(1)} ms, GC max loadgen ${res.loadgenPauses.gcMaxMs.toFixed(0)} server ${res.serverPauses.gcMaxMs.toFixed(0)} ms, server lag p99 ${res.serverPauses.lagP99Ms.toFixed(1)} max ${res.serverPauses.lagMaxMs.toFixed(0)} ms, p99 tail in GC: loadgen ${(res.tailInGc.loadgen * 100).toFixed(0)}% server ${(res.tailInGc.server * 100).toFixed(0)}%, ${res.delivered}/${res.expected} delivered, ${res.closedSockets} sockets closed, ${res.resynced}/${fanoutParams.clients} resynced, converged ${res.converged}`)
        } finally {
          await server.stop()
        }
      }
    }
    results.fanout = { params: fanoutParams, runs }
    const col = (k: string, f: (x: FanoutResult) => number, d = 1) => fmt((runs[k] ?? []).map(f), d)
    const ref = (f: (x: FanoutResult) => number) => med((runs.reference ?? []).map(f))
    table(`Fan-out: ${fanoutParams.clients} clients × ${fanoutParams.rate} edits/s × ${fanoutParams.seconds} s (+${fanoutParams.warmup} s warm-up), median (min–max) of ${repeats}`,
      ['server', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'p99 vs ref', 'delivered/s', 'server CPU s / 1000 upd', 'CPU vs ref', 'server CPU % of core', 'peak RSS MB', 'loadgen CPU %', 'loadgen lag p99 ms', 'converged'],
      servers.map((k) => [k, col(k, (x) => x.latencyMs.p50), col(k, (x) => x.latencyMs.p95), col(k, (x) => x.latencyMs.p99), col(k, (x) => x.latencyMs.max, 0),
        ratio(med(runs[k].map((x) => x.latencyMs.p99)), ref((x) => x.latencyMs.p99)), col(k, (x) => x.deliveredPerSec, 0), col(k, (x) => x.serverCpuPer1000, 4),
        ratio(med(runs[k].map((x) => x.serverCpuPer1000)), ref((x) => x.serverCpuPer1000)), col(k, (x) => x.serverCpuShare * 100, 0), col(k, (x) => x.serverPeakRssMB, 0),
        col(k, (x) => x.loadgenCpuShare * 100, 0), col(k, (x) => x.loadgenLagMs.p99), `${runs[k].filter((x) => x.converged).length}/${runs[k].length}`]))
  }

  if (scenarios.includes('join')) {
    const runs: Record<string, JoinResult[]> = {}
    for (let r = 0; r < repeats; r++) {
      for (const kind of servers) {
        const server = await startChild(kind, { seedFile, historyFile, nodeFlags: profFlags(kind) })
        try {
          const res = await runJoin(server, { joiners: num(args.joiners, 'joiners', 5000) })
          ;(runs[kind] ??= []).push(res)
          console.log(`join ${kind} #${r + 1}: history cold ${res.historyColdMs.toFixed(1)} ms, warm ${res.historyWarmMs.toFixed(1)} ms (+apply ${res.historyApplyMs.toFixed(1)} ms, ${(res.historyBytes / 1024).toFixed(0)} KiB); ${res.joiners} at once: p50 ${res.crowd.p50.toFixed(0)} max ${res.crowd.max.toFixed(0)} ms, ${res.crowdSynced}/${res.joiners} synced`)
        } finally {
          await server.stop()
        }
      }
    }
    results.join = { runs }
    const col = (k: string, f: (x: JoinResult) => number, d = 1) => fmt((runs[k] ?? []).map(f), d)
    const ref = (f: (x: JoinResult) => number) => med((runs.reference ?? []).map(f))
    table(`Join: one fresh client to a document with ${args.history} updates of history; ${args.joiners} clients joining at once (60 KB document), median (min–max) of ${repeats}`,
      ['server', 'history join, cold ms', 'history join, warm ms', 'warm vs ref', 'client apply ms', 'state KiB', `${args.joiners} at once: p50 ms`, 'all synced ms', 'all vs ref'],
      servers.map((k) => [k, col(k, (x) => x.historyColdMs), col(k, (x) => x.historyWarmMs), ratio(med(runs[k].map((x) => x.historyWarmMs)), ref((x) => x.historyWarmMs)),
        col(k, (x) => x.historyApplyMs), col(k, (x) => x.historyBytes / 1024, 0), col(k, (x) => x.crowd.p50, 0), col(k, (x) => x.crowd.max, 0), ratio(med(runs[k].map((x) => x.crowd.max)), ref((x) => x.crowd.max))]))
  }

  if (scenarios.includes('idle')) {
    const runs: Record<string, IdleResult[]> = {}
    for (let r = 0; r < repeats; r++) {
      for (const kind of servers) {
        const server = await startChild(kind, { seedFile, nodeFlags: profFlags(kind) })
        try {
          const res = await runIdle(server, { connections: num(args.idle, 'idle', 10_000), scale: num(args['idle-scale'], 'idle-scale', 10) })
          ;(runs[kind] ??= []).push(res)
          const kb = (x: number) => (x / 1024).toFixed(1)
          const mb = (x: number) => (x / 2 ** 20).toFixed(1)
          console.log(`idle ${kind} #${r + 1}: RSS MB base ${mb(res.baseRss)}, ${res.connections} cold ${mb(res.coldRss)}, all closed ${mb(res.closedRss)}, ${res.connections} again ${mb(res.warmRss)}, ${res.scaledTo} ${mb(res.scaledRss)}; KB per connection: cold ${kb(res.coldPerConn)}, warm ${kb(res.warmPerConn)}, slope ${kb(res.slopePerConn)} (heap ${kb(res.heapPerConn)})`)
        } finally {
          await server.stop()
        }
      }
    }
    results.idle = { runs }
    const col = (k: string, f: (x: IdleResult) => number, d = 1) => fmt((runs[k] ?? []).map(f), d)
    const ref = (f: (x: IdleResult) => number) => med((runs.reference ?? []).map(f))
    const mb = (f: (x: IdleResult) => number) => (x: IdleResult) => f(x) / 2 ** 20
    const kb = (f: (x: IdleResult) => number) => (x: IdleResult) => f(x) / 1024
    table(`Idle: synced, idle connections (N = ${args.idle}, then ${args['idle-scale']} × N), median (min–max) of ${repeats}`,
      ['server', 'RSS MB: 1 client', 'N, cold', 'all closed', 'N again', `${args['idle-scale']} × N`, 'KB / connection: cold', 'warm', `1 → ${args['idle-scale']} × N`, 'slope N → scale × N', 'slope vs ref', 'heap + external KB / connection'],
      servers.map((k) => [k, col(k, mb((x) => x.baseRss)), col(k, mb((x) => x.coldRss)), col(k, mb((x) => x.closedRss)), col(k, mb((x) => x.warmRss)), col(k, mb((x) => x.scaledRss)),
        col(k, kb((x) => x.coldPerConn)), col(k, kb((x) => x.warmPerConn)), col(k, kb((x) => x.totalPerConn)), col(k, kb((x) => x.slopePerConn)), ratio(med(runs[k].map((x) => x.slopePerConn)), ref((x) => x.slopePerConn)), col(k, kb((x) => x.heapPerConn))]))
  }

  if (scenarios.includes('persist')) {
    const runs: Record<string, PersistResult[]> = {}
    const variants: { name: string; kind: ServerKind; synchronous?: 'full' | 'normal' }[] = []
    for (const kind of servers) {
      if (kind === 'podium') variants.push({ name: 'podium (synchronous=full)', kind, synchronous: 'full' }, { name: 'podium (synchronous=normal)', kind, synchronous: 'normal' })
      else variants.push({ name: kind, kind })
    }
    for (let r = 0; r < repeats; r++) {
      for (const v of variants) {
        const server = await startChild(v.kind, { seedFile, synchronous: v.synchronous, nodeFlags: profFlags(v.kind) })
        try {
          const res = await runPersist(server, { writers: num(args.writers, 'writers', 1000), seconds: Math.min(10, fanoutParams.seconds) })
          ;(runs[v.name] ??= []).push(res)
          console.log(`persist ${v.name} #${r + 1}: ${res.updatesPerSec.toFixed(0)} upd/s, round trip p50 ${res.roundTrip.p50.toFixed(2)} p99 ${res.roundTrip.p99.toFixed(2)} ms, server CPU ${(res.serverCpuShare * 100).toFixed(0)}%`)
        } finally {
          await server.stop()
        }
      }
    }
    results.persist = { runs }
    const ref = med((runs.reference ?? []).map((x) => x.updatesPerSec))
    table(`Persistence: ${args.writers} writers, each sending its next edit once another client has it, ${Math.min(10, fanoutParams.seconds)} s, median (min–max) of ${repeats}`,
      ['server', 'durable before broadcast', 'updates/s', 'vs ref', 'round trip p50 ms', 'p99 ms', 'server CPU %'],
      variants.map((v) => [v.name, v.kind === 'podium' ? (v.synchronous === 'full' ? 'yes, fsync each' : 'yes, WAL (not fsync)') : v.kind === 'hocuspocus' ? 'no (debounced 2 s)' : 'no (memory only)',
        fmt(runs[v.name].map((x) => x.updatesPerSec), 0), ratio(med(runs[v.name].map((x) => x.updatesPerSec)), ref), fmt(runs[v.name].map((x) => x.roundTrip.p50), 2), fmt(runs[v.name].map((x) => x.roundTrip.p99), 2), fmt(runs[v.name].map((x) => x.serverCpuShare * 100), 0)]))
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}

const dir = new URL('../results/', import.meta.url).pathname
mkdirSync(dir, { recursive: true })
const file = join(dir, `sync-${scenarios.join('-')}-${machine.date.replace(/[:.]/g, '-')}.json`)
writeFileSync(file, JSON.stringify(results, null, 2))
console.log(`\nresults: ${file}`)
process.exit(0)
