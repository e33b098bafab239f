// Podium's server at an older commit against the current one, under the same fan-out load, runs
// interleaved on a shared machine: `node bin/run-ts.js bench/sync/before-after.ts --before <script>`.
//
// <script> is bench/sync/server-podium.ts of a worktree of the older commit, with THIS tree's
// server-podium.ts copied over it (it must announce delegation codes and pen tokens); it starts that
// tree's server. Each round runs before, after and the reference server (the order of before and
// after alternating from round to round), recording the load average of the machine before each run.
//
// Flags: --before <path> (required) --after <path> (default: this tree's; a worktree pins the commit
//   measured while others commit) --rounds N (5) --clients (200) --rate (2) --seconds (20) --warmup (2)
//   --full (2) --reference (true: include the reference server) --prof (a --cpu-prof of both Podiums)

import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { runFanout, type FanoutResult } from './fanout.ts'
import { packUpdates, seedUpdate } from './seed-doc.ts'
import { startChild, type ServerKind } from './servers.ts'
import { fmt, summary } from './stats.ts'

const { values: args } = parseArgs({
  options: {
    before: { type: 'string' },
    after: { type: 'string' },
    rounds: { type: 'string', default: '5' },
    clients: { type: 'string', default: '200' },
    rate: { type: 'string', default: '2' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '2' },
    full: { type: 'string', default: '2' },
    reference: { type: 'boolean', default: true },
    'no-reference': { type: 'boolean', default: false },
    prof: { type: 'boolean', default: false }
  }
})
const num = (s: string | undefined, name: string, max: number) => {
  const n = Number(s)
  if (!(n > 0) || n > max) throw new RangeError(`--${name} ${s} is not a number in (0, ${max}]`)
  return n
}
if (!args.before || !existsSync(args.before)) throw new RangeError(`--before ${args.before}: give the server-podium.ts of the older tree`)
const rounds = num(args.rounds, 'rounds', 50)
const params = { clients: num(args.clients, 'clients', 2000), rate: num(args.rate, 'rate', 50), seconds: num(args.seconds, 'seconds', 600), warmup: Number(args.warmup) || 0, full: num(args.full, 'full', 2000) }

try {
  execFileSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' })
} catch {
  console.warn('taskset failed: the load generator is not pinned')
}

const work = mkdtempSync(join(tmpdir(), 'podium-bench-'))
const seedFile = join(work, 'seed.bin')
writeFileSync(seedFile, packUpdates([seedUpdate()]))

interface Variant { name: string; kind: ServerKind; script?: string }
const before: Variant = { name: 'podium before', kind: 'podium', script: args.before }
const after: Variant = { name: 'podium after', kind: 'podium', script: args.after ?? new URL('./server-podium.ts', import.meta.url).pathname }
const reference: Variant = { name: 'reference', kind: 'reference' }
const runs: Record<string, (FanoutResult & { loadavg1: number })[]> = {}
const machine = { nproc: cpus().length, cpu: cpus()[0]?.model ?? '?', node: process.version, date: new Date().toISOString() }
console.log(`node ${machine.node}, ${machine.nproc} × ${machine.cpu}; ${params.clients} clients × ${params.rate}/s × ${params.seconds} s (+${params.warmup}), ${rounds} rounds; before = ${args.before}; after = ${after.script}`)

try {
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? [before, after] : [after, before]
    if (args.reference && !args['no-reference']) order.push(reference)
    for (const v of order) {
      const load = loadavg()
      const server = await startChild(v.kind, { seedFile, script: v.script, nodeFlags: args.prof && v.kind === 'podium' ? ['--cpu-prof', `--cpu-prof-dir=bench/results/prof-${v.name.replace(' ', '-')}`] : [] })
      try {
        const res = await runFanout(server, params)
        ;(runs[v.name] ??= []).push({ ...res, loadavg1: load[0] })
        console.log(`#${r + 1} ${v.name}: load ${load.map((x) => x.toFixed(2)).join(' ')}; p50 ${res.latencyMs.p50.toFixed(1)} p99 ${res.latencyMs.p99.toFixed(1)} max ${res.latencyMs.max.toFixed(0)} ms, cpu ${res.serverCpuPer1000.toFixed(4)} s/1000, server ${(res.serverCpuShare * 100).toFixed(0)}%, lag p99 loadgen ${res.loadgenLagMs.p99.toFixed(1)} server ${res.serverPauses.lagP99Ms.toFixed(1)} ms, ${res.delivered}/${res.expected} delivered, ${res.closedSockets} closed, ${res.resynced}/${params.clients} resynced, converged ${res.converged}`)
      } catch (err) {
        console.log(`#${r + 1} ${v.name}: failed: ${(err as Error).message}`)
      } finally {
        await server.stop()
      }
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}

const names = Object.keys(runs)
const med = (xs: number[]) => summary(xs).median
console.log(`\n| server | runs | load avg (1 min) | p50 ms | p99 ms | max ms | server CPU s / 1000 delivered | delivered / expected | sockets closed | converged |\n|---|---|---|---|---|---|---|---|---|---|`)
for (const n of names) {
  const xs = runs[n]
  console.log(`| ${n} | ${xs.length} | ${fmt(xs.map((x) => x.loadavg1), 1)} | ${fmt(xs.map((x) => x.latencyMs.p50))} | ${fmt(xs.map((x) => x.latencyMs.p99))} | ${fmt(xs.map((x) => x.latencyMs.max), 0)} | ${fmt(xs.map((x) => x.serverCpuPer1000), 4)} | ${xs.reduce((a, x) => a + x.delivered, 0)} / ${xs.reduce((a, x) => a + x.expected, 0)} | ${xs.reduce((a, x) => a + x.closedSockets, 0)} | ${xs.filter((x) => x.converged).length}/${xs.length} |`)
}
// After ÷ before, of the medians and of each round's pair (the pairs ran back to back).
const b = runs['podium before'] ?? []
const a = runs['podium after'] ?? []
const pairs = (f: (x: FanoutResult) => number) => a.slice(0, Math.min(a.length, b.length)).map((x, i) => f(x) / f(b[i]))
for (const [label, f] of [['p99', (x: FanoutResult) => x.latencyMs.p99], ['p50', (x: FanoutResult) => x.latencyMs.p50], ['CPU / 1000 delivered', (x: FanoutResult) => x.serverCpuPer1000]] as const) {
  console.log(`after ÷ before, ${label}: medians ${(med(a.map(f)) / med(b.map(f))).toFixed(2)}×; paired rounds ${fmt(pairs(f), 2)}×`)
}
const dir = new URL('../results/', import.meta.url).pathname
mkdirSync(dir, { recursive: true })
const file = join(dir, `sync-before-after-${machine.date.replace(/[:.]/g, '-')}.json`)
writeFileSync(file, JSON.stringify({ machine, args, params, runs }, null, 2))
console.log(`\nresults: ${file}`)
process.exit(0)
