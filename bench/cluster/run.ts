// `npm run bench:cluster [-- flags]`: one run compares (1) one Podium on SQLite, (2) one Podium on
// PostgreSQL + Redis, (3) three Podiums behind HAProxy and (4) two Hocuspocus 4.7 + extension-redis
// behind HAProxy, under the same load (load.ts), and prints one table; JSON to bench/results/.
// Servers and HAProxy on core 0, the load generator on core 1.
//
// Flags (or env BENCH_*): --arms podium-sqlite,podium-pg-redis,podium-3-haproxy,hocuspocus-redis
//   --writers 200 --rate 2 --editors 2 --observers 2000 --pen-rate 2 --seconds 20 --warmup 3
//   --failover-seconds 10 --kill-after 3 (0 leaves the failover phase out) --repeats 1
//   --balance committed,roundrobin: how HAProxy picks a server for the arms behind it (podium-3-haproxy,
//     hocuspocus-redis; both get the same): `committed` is deploy/haproxy.cfg (by document), `roundrobin`
//     its balancing replaced by round robin; each arm runs once per value given, in that order
//   env BENCH_DEBUG_ACKS=1 prints every edit no other client received (sender, clock, what storage holds).
//   --appends: instead, appends per second of one document's storage, SQLite and PostgreSQL (appends.ts)
//     --append-seconds 5 --append-batch 20 --append-streams 4 (processes appending at once, each to its own document)

import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { packUpdates, seedUpdate } from '../sync/seed-doc.ts'
import { fmt, summary } from '../sync/stats.ts'
import { ARM_NAMES, balanced, startArm, unavailable, type ArmName } from './arms.ts'
import { BALANCES, type Balance } from './children.ts'
import { runLoad, type ArmResult, type LoadParams } from './load.ts'
import { checkServices } from './services.ts'
import { runAppends, runParallelAppends } from './appends.ts'

const { values: args } = parseArgs({
  options: {
    arms: { type: 'string', default: process.env.BENCH_ARMS ?? ARM_NAMES.join(',') },
    writers: { type: 'string', default: process.env.BENCH_WRITERS ?? '200' },
    rate: { type: 'string', default: process.env.BENCH_RATE ?? '2' },
    editors: { type: 'string', default: process.env.BENCH_EDITORS ?? '2' },
    observers: { type: 'string', default: process.env.BENCH_OBSERVERS ?? '2000' },
    'pen-rate': { type: 'string', default: process.env.BENCH_PEN_RATE ?? '2' },
    seconds: { type: 'string', default: process.env.BENCH_SECONDS ?? '20' },
    warmup: { type: 'string', default: process.env.BENCH_WARMUP ?? '3' },
    'failover-seconds': { type: 'string', default: process.env.BENCH_FAILOVER_SECONDS ?? '10' },
    'kill-after': { type: 'string', default: process.env.BENCH_KILL_AFTER ?? '3' },
    repeats: { type: 'string', default: process.env.BENCH_REPEATS ?? '1' },
    balance: { type: 'string', default: process.env.BENCH_BALANCE ?? 'committed,roundrobin' },
    appends: { type: 'boolean', default: false },
    'append-seconds': { type: 'string', default: '5' },
    'append-batch': { type: 'string', default: '20' },
    'append-streams': { type: 'string', default: '4' }
  }
})
const num = (name: Exclude<keyof typeof args, 'appends' | 'balance'>, min: number, max: number): number => {
  const n = Number(args[name])
  if (!Number.isFinite(n) || n < min || n > max) throw new RangeError(`--${name} ${JSON.stringify(args[name])} is not a number in [${min}, ${max}]`)
  return n
}
const arms = String(args.arms).split(',').map((s) => s.trim()) as ArmName[]
for (const a of arms) if (!ARM_NAMES.includes(a)) throw new RangeError(`--arms: unknown arm ${JSON.stringify(a)} (${ARM_NAMES.join(', ')})`)
const balances = String(args.balance).split(',').map((s) => s.trim()) as Balance[]
for (const b of balances) if (!BALANCES.includes(b)) throw new RangeError(`--balance: unknown balancing ${JSON.stringify(b)} (${BALANCES.join(', ')})`)
// Each arm behind HAProxy once per balancing, labelled by it; the others once.
const runsOf = (name: ArmName): { label: string; balance: Balance }[] =>
  balanced(name) ? balances.map((b) => ({ label: labelOf(name, b), balance: b })) : [{ label: name, balance: 'committed' }]
const labelOf = (name: string, b: Balance) => (b === 'roundrobin' ? `${name} (round robin)` : name)
const labels = arms.flatMap((a) => runsOf(a).map((x) => x.label))
const params: LoadParams = {
  writers: num('writers', 2, 2000),
  rate: num('rate', 0.1, 50),
  editors: num('editors', 1, 20),
  observers: num('observers', 0, 10_000),
  penRate: num('pen-rate', 0.1, 50),
  seconds: num('seconds', 1, 600),
  warmup: num('warmup', 0, 60),
  failoverSeconds: num('failover-seconds', 0, 120),
  killAfter: num('kill-after', 0, 60)
}
if (params.editors >= params.writers) throw new RangeError(`--editors ${params.editors} must be fewer than --writers ${params.writers}`)
if (params.failoverSeconds > 0 && params.killAfter >= params.failoverSeconds) throw new RangeError(`--kill-after ${params.killAfter} must be less than --failover-seconds ${params.failoverSeconds}`)
const repeats = num('repeats', 1, 10)

try {
  execFileSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' })
} catch {
  console.warn('taskset failed: the load generator is not pinned')
}
if (args.appends || arms.some((a) => a !== 'podium-sqlite')) await checkServices()
if (args.appends) {
  const results = await runAppends(num('append-seconds', 1, 60), num('append-batch', 2, 1000))
  console.log('\nAppends to one document, one call after another (bench/cluster/appends.ts)')
  console.log('| storage | updates per call | updates/s | calls/s | call p50 ms | p99 ms | max ms |\n|---|---|---|---|---|---|---|')
  for (const r of results) console.log(`| ${r.storage} | ${r.batch} | ${r.updatesPerSec.toFixed(0)} | ${r.callsPerSec.toFixed(0)} | ${r.callMs.p50.toFixed(2)} | ${r.callMs.p99.toFixed(2)} | ${r.callMs.max.toFixed(1)} |`)
  const par = await runParallelAppends(num('append-streams', 1, 64), num('append-seconds', 1, 60))
  console.log(`\nPostgreSQL, ${par.streams} processes at once, each appending single updates to its own document: ${par.updatesPerSec.toFixed(0)} updates/s in all; call p50 ${par.callMsP50.toFixed(2)} ms (median stream), p99 ${par.callMsP99.toFixed(2)} ms (worst stream)`)
  process.exit(0)
}

const machine = { nproc: cpus().length, cpu: cpus()[0]?.model ?? '?', node: process.version, date: new Date().toISOString(), loadavg: loadavg() }
console.log(`node ${machine.node}, ${machine.nproc} × ${machine.cpu}; servers, HAProxy on core 0, load generator on core 1 (Redis, PostgreSQL unpinned); load average ${machine.loadavg.map((x) => x.toFixed(2)).join(' ')}`)
console.log(`balancing (HAProxy arms, Podium and Hocuspocus alike): ${balances.map((b) => (b === 'committed' ? 'deploy/haproxy.cfg as committed' : 'round robin')).join(', then ')}`)
console.log(`load: ${params.writers} writers × ${params.rate} edits/s (${params.editors} pen editors), pen ${params.penRate} edits/s followed by ${params.observers} observers; ${params.warmup} s warm-up, ${params.seconds} s measured${params.failoverSeconds ? `; failover phase ${params.failoverSeconds} s, kill -9 at ${params.killAfter} s` : ''}`)

const work = mkdtempSync(join(tmpdir(), 'podium-bench-cluster-'))
const seedFile = join(work, 'seed.bin')
writeFileSync(seedFile, packUpdates([seedUpdate()]))
const runs: Record<string, ArmResult[]> = {}
const skipped: Record<string, string> = {}
const runId = `${process.pid}`
const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '—')
try {
  for (let r = 0; r < repeats; r++) {
    for (const [name, { label, balance }] of arms.flatMap((a) => runsOf(a).map((x) => [a, x] as const))) {
      const why = unavailable(name)
      if (why) {
        skipped[label] = why
        continue
      }
      let arm
      try {
        arm = await startArm(name, seedFile, `${runId}_${r}`, balance)
      } catch (err) {
        skipped[label] = (err as Error).message
        console.log(`${label}: not run — ${(err as Error).message}`)
        continue
      }
      try {
        const res = await runLoad(arm, params)
        ;(runs[label] ??= []).push(res)
        const f = res.failover
        const where = (k: number | null) => (k === null ? '?' : `server ${k}`)
        console.log(`${label} #${r + 1} (load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}): bench on ${where(res.placement.bench)}, screen on ${where(res.placement.screen)}; writers p50 ${ms(res.writers.latencyMs.p50)} p99 ${ms(res.writers.latencyMs.p99)} max ${ms(res.writers.latencyMs.max)} ms (${res.writers.delivered}/${res.writers.expected}); observers p50 ${ms(res.observers.latencyMs.p50)} p99 ${ms(res.observers.latencyMs.p99)} ms (${res.observers.delivered}/${res.observers.expected}); ${res.deliveredPerSec.toFixed(0)} deliveries/s; CPU arm ${res.cpu.arm.toFixed(1)} s (${(res.cpu.armShare * 100).toFixed(0)}% of a core; servers ${res.cpu.byProcess.servers.map((c) => c.toFixed(1)).join(' + ')}${res.cpu.byProcess.balancer === null ? '' : `, HAProxy ${res.cpu.byProcess.balancer.toFixed(1)}`} s), Redis ${res.cpu.redis.toFixed(1)} s, PostgreSQL ${res.cpu.postgres.toFixed(1)} s; ${res.cpu.perThousand.toFixed(4)} s/1000 (with services ${res.cpu.perThousandWithServices.toFixed(4)}); load gen ${(res.loadgen.cpuShare * 100).toFixed(0)}% lag p99 ${ms(res.loadgen.lagP99Ms)} ms` +
          (res.serverSide ? `; forwarded ${res.serverSide.forwarded}; server-side fan-out ${Object.entries(res.serverSide.fanout).map(([s, v]) => `${s} n=${v.count} p50≤${ms(v.p50Ms)} p99≤${ms(v.p99Ms)} ms`).join(', ')}; append ${Object.entries(res.serverSide.append).map(([s, v]) => `${s} n=${v.count} mean ${ms(v.count ? v.sumMs / v.count : NaN)} p50≤${ms(v.p50Ms)} p99≤${ms(v.p99Ms)} ms`).join(', ')}` : '') +
          (f ? `; failover: killed ${f.killed}${f.authoritative ? ' (authoritative)' : ''}, ${f.affected} writers cut off, ${f.reconnects} reconnects, first edit through ${ms(f.docResumeMs)} ms, half ${ms(f.p50ResumeMs)} ms, all ${ms(f.allResumeMs)} ms (${f.writersResumed}/${f.writersTyping}), p99 during ${ms(f.latencyAfterMs.p99)} ms` : '') +
          `; lost: ${res.lost.missingServed.join('/')} served, ${res.lost.missingStored} stored of ${res.lost.acknowledged} acknowledged (${res.lost.notAcknowledged} never acknowledged, ${res.lost.notAcknowledgedStored} of them stored all the same); converged ${res.lost.converged}`)
      } catch (err) {
        skipped[label] = (err as Error).message
        console.log(`${label}: failed — ${(err as Error).stack}`)
      } finally {
        await arm.stop()
      }
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}

const med = (name: string, f: (x: ArmResult) => number) => summary((runs[name] ?? []).map(f)).median
const col = (name: string, f: (x: ArmResult) => number, d = 1) => fmt((runs[name] ?? []).map(f), d)
// Against Hocuspocus behind the same balancing (the committed one for the arms without a balancer).
const ratio = (name: string, f: (x: ArmResult) => number) => {
  const a = med(name, f)
  const b = med(name.endsWith('(round robin)') ? labelOf('hocuspocus-redis', 'roundrobin') : 'hocuspocus-redis', f)
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '—'
}
const header = ['arm', 'servers', 'writers p50 ms', 'p99 ms', 'p99 vs HP', 'observers p50 ms', 'p99 ms', 'deliveries/s', 'CPU s / 1000 (arm)', 'vs HP', 'with Redis + PG', 'failover: all writing again ms', 'acknowledged lost (served / stored)', 'converged']
console.log(`\nCluster: ${params.writers} writers × ${params.rate} edits/s + pen ${params.penRate} edits/s to ${params.observers} observers, ${params.seconds} s; median (min–max) of ${repeats}`)
console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`)
for (const name of labels) {
  if (!runs[name]) {
    console.log(`| ${name} | not run: ${skipped[name] ?? '?'} |`)
    continue
  }
  const rs = runs[name]
  console.log(`| ${[name, String(rs[0].servers), col(name, (x) => x.writers.latencyMs.p50), col(name, (x) => x.writers.latencyMs.p99), ratio(name, (x) => x.writers.latencyMs.p99),
    col(name, (x) => x.observers.latencyMs.p50), col(name, (x) => x.observers.latencyMs.p99), col(name, (x) => x.deliveredPerSec, 0), col(name, (x) => x.cpu.perThousand, 4), ratio(name, (x) => x.cpu.perThousand),
    col(name, (x) => x.cpu.perThousandWithServices, 4), rs[0].failover ? col(name, (x) => x.failover?.allResumeMs ?? NaN, 0) : '—',
    rs.map((x) => `${Math.max(0, ...x.lost.missingServed)} / ${x.lost.missingStored} of ${x.lost.acknowledged}`).join('; '), rs.map((x) => (x.lost.converged ? 'yes' : 'NO')).join(' ')].join(' | ')} |`)
}

const dir = new URL('../results/', import.meta.url).pathname
mkdirSync(dir, { recursive: true })
const file = join(dir, `cluster-${machine.date.replace(/[:.]/g, '-')}.json`)
writeFileSync(file, JSON.stringify({ machine, params, balances, runs, skipped }, null, 2))
console.log(`\nresults: ${file}`)
process.exit(0)
