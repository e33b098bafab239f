// `npm run bench:browser [-- flags]`: one real Chromium editor on the 53-page seed document while the
// load generator's typists write through a real Podium server. For each load (delegations × rate) it
// reports, from the browser: p50/p99 from an update's arrival on the main thread to the task after
// the frame that painted it (probe.ts), and the main thread's busy share (CDP Performance.getMetrics
// TaskDuration over wall time), with long tasks. The server runs pinned to core 0 with the load
// generator (this process); Chromium is pinned to core 1.
//
// Flags (or env BENCH_*): --delegations 30,100  --rate 2 (edits/s each)  --seconds 20  --warmup 5
//   --role delegation|secretariat (whose editor; default delegation)  --profile (a CPU profile of the
//   page over the measured span: bench/results/browser-<n>.cpuprofile, and the top functions by self time)
//   --json FILE (figures as JSON)  --repeats K (1)
//   --clients NAME=DIR,… (client builds to compare, run in turn for each load, e.g.
//   before=/tmp/before-dist,after=dist/client; an older tree's build: vite build --outDir DIR there)

import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { chromium, type CDPSession } from 'playwright-core'
import { parsePodium, serializePodium } from '../../shared/format/index.ts'
import { BenchClient } from '../sync/client.ts'
import { packUpdates, seedUpdate } from '../sync/seed-doc.ts'
import { startChild, type ServerChild } from '../sync/servers.ts'
import { percentiles, sleep, until } from '../sync/stats.ts'
import { findSpots, randomClientId, Typist } from '../sync/typist.ts'
import { PROBE_SCRIPT, type ProbeState } from './probe.ts'
import { summariseProfile } from './profile.ts'

const { values: args } = parseArgs({
  options: {
    delegations: { type: 'string', default: process.env.BENCH_DELEGATIONS ?? '30,100' },
    rate: { type: 'string', default: process.env.BENCH_RATE ?? '2' },
    seconds: { type: 'string', default: process.env.BENCH_SECONDS ?? '20' },
    warmup: { type: 'string', default: process.env.BENCH_WARMUP ?? '5' },
    role: { type: 'string', default: process.env.BENCH_ROLE ?? 'delegation' },
    profile: { type: 'boolean', default: false },
    json: { type: 'string' },
    repeats: { type: 'string', default: process.env.BENCH_REPEATS ?? '1' },
    clients: { type: 'string', default: process.env.BENCH_CLIENTS ?? '' }
  }
})
const num = (s: string | undefined, name: string, max: number) => {
  const n = Number(s)
  if (!(n > 0) || n > max) throw new RangeError(`--${name} ${s} is not a number in (0, ${max}]`)
  return n
}
const levels = args.delegations!.split(',').map((s) => num(s.trim(), 'delegations', 1000))
const rate = num(args.rate, 'rate', 20)
const seconds = num(args.seconds, 'seconds', 600)
const warmup = Number(args.warmup) >= 0 ? Number(args.warmup) : 5
if (args.role !== 'delegation' && args.role !== 'secretariat') throw new RangeError(`--role ${args.role} is not delegation or secretariat`)
const CHROMIUM = process.env.PODIUM_CHROMIUM ?? '/usr/bin/chromium'
const ROOT = resolve(import.meta.dirname, '../..')
if (!existsSync(CHROMIUM)) throw new Error(`bench:browser needs Chromium at ${CHROMIUM} (apt-get install chromium)`)
const repeats = num(args.repeats, 'repeats', 20)
// The client builds under test, by name; by default this tree's dist/client.
const builds = (args.clients ? args.clients.split(',') : ['this=dist/client']).map((pair) => {
  const [name, dir] = pair.includes('=') ? pair.split('=', 2) : [pair, pair]
  const abs = resolve(ROOT, dir)
  if (!existsSync(join(abs, 'index.html'))) throw new Error(`no client build in ${abs}: run npm run build first (npm run bench:browser does)`)
  return { name, dir: abs }
})

// The load generator with the server on core 0, the browser on core 1.
try {
  execFileSync('taskset', ['-a', '-cp', '0', String(process.pid)], { stdio: 'ignore' })
} catch {
  console.warn('taskset failed: the load generator is not pinned')
}

const machine = { nproc: cpus().length, cpu: cpus()[0]?.model ?? '?', node: process.version, date: new Date().toISOString(), loadavg: loadavg() }
console.log(`node ${machine.node}, ${machine.nproc} × ${machine.cpu}; server and load generator on core 0, Chromium on core 1; load average ${machine.loadavg.map((x) => x.toFixed(2)).join(' ')}`)

const work = mkdtempSync(join(tmpdir(), 'podium-bench-browser-'))
// The seed once, whole: the 53-page podium version.
const seed = readFileSync(join(ROOT, 'fixtures/seed.txt'), 'utf8')
const seedFile = join(work, 'seed.bin')
writeFileSync(seedFile, packUpdates([seedUpdate(Buffer.byteLength(serializePodium(parsePodium(seed).doc)))]))
// Chromium pinned to core 1 through a wrapper (its child processes inherit the affinity).
const wrapper = join(work, 'chromium.sh')
writeFileSync(wrapper, `#!/bin/sh\nexec taskset -c 1 ${JSON.stringify(CHROMIUM)} "$@"\n`)
chmodSync(wrapper, 0o755)

/** What one load level measured. */
interface LevelResult {
  client: string
  delegations: number
  rate: number
  seconds: number
  editsSent: number
  updatesSeen: number
  latencyMs: { p50: number; p95: number; p99: number; max: number; n: number }
  /** Wall time in main-thread tasks over wall time (a task waiting for the CPU counts). */
  busyShare: number
  /** The main thread's CPU time over wall time. */
  cpuShare: number
  /** Per update seen (ms): main-thread CPU, and of the tasks' wall time script, layout and style (less dependent on what else runs on the machine than the shares). */
  perUpdateMs: { cpu: number; script: number; layout: number; style: number }
  longTasks: number
  longTaskMs: number
  closedTypists: number
  loadavg: number[]
}

// The renderer's counters (seconds): wall time in main-thread tasks, the main thread's CPU time, and
// script, layout and style time.
const METRICS = ['TaskDuration', 'ThreadTime', 'ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration'] as const
type Metrics = Record<(typeof METRICS)[number], number>

async function metrics(cdp: CDPSession): Promise<Metrics> {
  const { metrics: all } = await cdp.send('Performance.getMetrics') as { metrics: { name: string; value: number }[] }
  return Object.fromEntries(METRICS.map((n) => [n, all.find((m) => m.name === n)?.value ?? NaN])) as Metrics
}

async function runLevel(server: ServerChild, delegations: number, client: string): Promise<LevelResult> {
  const profileDir = mkdtempSync(join(work, 'profile-'))
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: wrapper,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run']
  })
  const typists: BenchClient[] = []
  try {
    await context.addInitScript({ content: PROBE_SCRIPT })
    const page = context.pages()[0] ?? await context.newPage()
    // The editor signs in with a link as a delegate would (the first delegation token, or a pen token).
    const target = server.target('bench', 0, args.role === 'secretariat')
    const token = new URL(target.url).searchParams.get('token')!
    await page.goto(`http://127.0.0.1:${server.port}/d/bench?token=${encodeURIComponent(token)}`)
    await page.waitForFunction(() => document.body.dataset.ready === 'server', null, { timeout: 60_000 })
    const cdp = await context.newCDPSession(page)
    await cdp.send('Performance.enable', { timeDomain: 'timeTicks' })

    // The typists: one light client each, round robin over the roster's delegation tokens.
    const reader = new BenchClient(server.target('bench', 0), { apply: 'all' })
    if (!await until(() => reader.synced, 30_000)) throw new Error('the reading client did not sync')
    const spots = findSpots(reader.ydoc!)
    reader.close()
    const writers: Typist[] = []
    for (let i = 0; i < delegations; i++) {
      const t = server.target('bench', i)
      typists.push(new BenchClient(t, { apply: 'none' }))
      writers.push(new Typist(randomClientId(), spots, t.delegation!))
    }
    if (!await until(() => typists.every((c) => c.synced), 60_000)) throw new Error('typists did not sync')

    let editsSent = 0
    let measuredSince = 0
    const period = 1000 / rate
    const t0 = performance.now()
    const next = typists.map(() => t0 + Math.random() * period)
    const stopAt = t0 + (warmup + seconds) * 1000
    let m0: Metrics | null = null
    let wall0 = NaN
    let startMeasuring: Promise<void> | null = null
    await new Promise<void>((done) => {
      const timer = setInterval(() => {
        const now = performance.now()
        if (!startMeasuring && now >= t0 + warmup * 1000) {
          startMeasuring = (async () => {
            await page.evaluate(() => { const s = (window as unknown as { __bench: ProbeState }).__bench; s.samples = []; s.updates = 0; s.longTasks = 0; s.longTaskMs = 0; s.measuring = true })
            m0 = await metrics(cdp)
            wall0 = performance.now()
            measuredSince = editsSent
            if (args.profile) { await cdp.send('Profiler.enable'); await cdp.send('Profiler.start') }
          })()
        }
        if (now >= stopAt) { clearInterval(timer); done(); return }
        for (let i = 0; i < typists.length; i++) {
          if (now < next[i]) continue
          next[i] = Math.max(next[i] + period * (0.5 + Math.random()), now)
          if (typists[i].sendUpdate(writers[i].next())) editsSent++
        }
      }, 5)
    })
    await startMeasuring
    const m1 = await metrics(cdp)
    const wall1 = performance.now()
    const probe = await page.evaluate(() => { const s = (window as unknown as { __bench: ProbeState }).__bench; s.measuring = false; return s })
    if (args.profile) {
      const { profile } = await cdp.send('Profiler.stop') as { profile: unknown }
      mkdirSync(join(ROOT, 'bench/results'), { recursive: true })
      const file = join(ROOT, `bench/results/browser-${client}-${delegations}.cpuprofile`)
      writeFileSync(file, JSON.stringify(profile))
      console.log(`profile: ${file}`)
      console.log(summariseProfile(profile as never, 25))
    }
    const closedTypists = typists.filter((c) => c.closed).length
    return {
      client, delegations, rate, seconds,
      editsSent: editsSent - measuredSince,
      updatesSeen: probe.updates,
      latencyMs: percentiles(probe.samples),
      busyShare: (m1.TaskDuration - m0!.TaskDuration) / ((wall1 - wall0) / 1000),
      cpuShare: (m1.ThreadTime - m0!.ThreadTime) / ((wall1 - wall0) / 1000),
      perUpdateMs: {
        cpu: (1000 * (m1.ThreadTime - m0!.ThreadTime)) / Math.max(1, probe.updates),
        script: (1000 * (m1.ScriptDuration - m0!.ScriptDuration)) / Math.max(1, probe.updates),
        layout: (1000 * (m1.LayoutDuration - m0!.LayoutDuration)) / Math.max(1, probe.updates),
        style: (1000 * (m1.RecalcStyleDuration - m0!.RecalcStyleDuration)) / Math.max(1, probe.updates)
      },
      longTasks: probe.longTasks,
      longTaskMs: probe.longTaskMs,
      closedTypists,
      loadavg: loadavg()
    }
  } finally {
    for (const c of typists) c.close()
    await context.close()
    rmSync(profileDir, { recursive: true, force: true })
  }
}

const results: LevelResult[] = []
try {
  for (let k = 0; k < repeats; k++) for (const n of levels) for (const build of builds) {
    // A fresh server for each run: the typists' own paragraphs do not carry over.
    process.env.BENCH_CLIENT_DIR = build.dir
    const server = await startChild('podium', { seedFile, core: 0 })
    try {
      const r = await runLevel(server, n, build.name)
      results.push(r)
      const l = r.latencyMs
      console.log(`${builds.length > 1 ? `[${build.name}] ` : ''}${n} delegations × ${rate}/s, ${seconds} s: arrival → paint p50 ${l.p50.toFixed(1)} ms, p95 ${l.p95.toFixed(1)}, p99 ${l.p99.toFixed(1)}, max ${l.max.toFixed(1)} (${l.n} updates painted of ${r.updatesSeen} seen, ${r.editsSent} edits sent); main thread busy ${(100 * r.busyShare).toFixed(1)} % (CPU ${(100 * r.cpuShare).toFixed(1)} %); per update: CPU ${r.perUpdateMs.cpu.toFixed(2)} ms, script ${r.perUpdateMs.script.toFixed(2)}, layout ${r.perUpdateMs.layout.toFixed(2)}, style ${r.perUpdateMs.style.toFixed(2)}; long tasks ${r.longTasks} (${r.longTaskMs.toFixed(0)} ms); typists closed ${r.closedTypists}; load average ${r.loadavg.map((x) => x.toFixed(2)).join(' ')}`)
    } finally {
      await server.stop()
    }
    await sleep(500)
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}
if (args.json) writeFileSync(args.json, JSON.stringify({ machine, args, results }, null, 2))
