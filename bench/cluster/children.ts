// The processes a cluster arm runs: server children (a script under bench/cluster, pinned to a core,
// announcing `READY {json}` on stdout as bench/sync/child.ts does) and HAProxy.

import { spawn, type ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { createInterface } from 'node:readline'

/** A running child: its pid, what it announced, and how to stop or kill it. */
export interface Child {
  pid: number
  info: Record<string, unknown> & { port: number }
  /** Resolves when the process has exited. */
  exited: Promise<void>
  /** Closes its stdin (the child closes its server) and waits; SIGKILL after 5 s. */
  stop(): Promise<void>
  /** kill -9. */
  kill(): void
}

/** Starts `script` (a .ts under bench/cluster) with `settings` in env BENCH_CLUSTER_SERVER, pinned to `core`; resolves on READY (60 s at most). */
export async function startScript(script: string, settings: unknown, core: number, label: string): Promise<Child> {
  const runTs = new URL('../../bin/run-ts.js', import.meta.url).pathname
  const path = new URL(script, import.meta.url).pathname
  // BENCH_CPU_PROF=DIR: each server child writes a V8 CPU profile there when it exits normally.
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []
  const child: ChildProcess = spawn('taskset', ['-c', String(core), process.execPath, ...prof, runTs, path], {
    env: { ...process.env, BENCH_CLUSTER_SERVER: JSON.stringify(settings), NODE_ENV: 'production' },
    stdio: ['pipe', 'pipe', 'inherit']
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const lines = createInterface({ input: child.stdout! })
  // BENCH_LOG_LEVEL (info, warn…): the children's log lines are copied to standard error, labelled.
  if (process.env.BENCH_LOG_LEVEL) lines.on('line', (line) => { if (!line.startsWith('READY ')) process.stderr.write(`${label} ${line}\n`) })
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label}: no READY within 60 s`)), 60_000)
    lines.on('line', (line) => {
      if (!line.startsWith('READY ')) return
      clearTimeout(timer)
      resolve(line.slice(6))
    })
    exited.then(() => {
      clearTimeout(timer)
      reject(new Error(`${label} exited before READY`))
    })
  })
  let info: Child['info']
  try {
    info = JSON.parse(await ready)
  } catch (err) {
    child.kill('SIGKILL')
    throw err
  }
  return childOf(child, info, exited)
}

function childOf(child: ChildProcess, info: Child['info'], exited: Promise<void>): Child {
  return {
    pid: child.pid!,
    info,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.stdin?.end()
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    },
    kill() {
      child.kill('SIGKILL')
    }
  }
}

/**
 * How a balancer in front of several servers picks one: `committed` as deploy/haproxy.cfg does (by
 * document: a hash of the path), `roundrobin` spreads every client (what the cluster must take too).
 */
export type Balance = 'committed' | 'roundrobin'

/** Every Balance, in the order a benchmark runs them. */
export const BALANCES: readonly Balance[] = ['committed', 'roundrobin']

/**
 * deploy/haproxy.cfg with its `balance` line replaced by `balance roundrobin` and its `hash-type`
 * line dropped: the clients of one document spread over the servers. Throws when there is no
 * `balance` line to replace.
 */
export function roundRobin(cfg: string): string {
  if (!/^[ \t]*balance[ \t]/m.test(cfg)) throw new Error('deploy/haproxy.cfg has no balance line')
  return cfg.replace(/^([ \t]*)balance[ \t].*$/m, '$1balance roundrobin').replace(/^[ \t]*hash-type[ \t].*\n/m, '')
}

// Two descriptors per proxied connection must fit under the benchmark's limit (20,000 here).
const HAPROXY_MAXCONN = 9000

/** HAProxy's health-check timing in the benchmark: a dead server is marked down after FALL × INTER. */
export const HAPROXY_CHECK = { interMs: 500, fall: 2, rise: 2 } as const

/**
 * The benchmark's HAProxy config: the committed `deploy/haproxy.cfg` when there is one (its
 * frontend bind and backend server lines replaced by ours; `global` lines that need root or a
 * system path dropped), else a minimal one with the same essentials (websocket upgrade over HTTP
 * mode, health checks on `/healthz`, round robin, redispatch).
 */
export function haproxyConfig(deployCfg: string | null, port: number, servers: { name: string; port: number }[], healthPath: string | null): string {
  const check = healthPath ? 'check' : ''
  const serverLines = servers.map((s) => `    server ${s.name} 127.0.0.1:${s.port} ${check}`.trimEnd())
  if (deployCfg) {
    const out: string[] = []
    let section = ''
    let serversWritten = false
    for (const raw of deployCfg.split('\n')) {
      const line = raw.trimEnd()
      const head = /^(global|defaults|frontend|backend|listen)\b/.exec(line)
      if (head) section = head[1]
      const t = line.trim()
      if (section === 'global' && /^(user|group|chroot|daemon|log|stats\s+socket|pidfile|master-worker)\b/.test(t)) continue
      if (section === 'global' && /^maxconn\b/.test(t)) {
        out.push(`    maxconn ${HAPROXY_MAXCONN}`)
        continue
      }
      if ((section === 'frontend' || section === 'listen') && /^bind\b/.test(t)) {
        out.push(`    bind 127.0.0.1:${port}`)
        continue
      }
      if (/^log\b/.test(t) || /^option\s+(httplog|dontlognull)\b/.test(t)) continue
      if ((section === 'backend' || section === 'listen') && /^server\b/.test(t)) {
        if (!serversWritten) out.push(...serverLines)
        serversWritten = true
        continue
      }
      if (!healthPath && /^(option\s+httpchk|http-check)\b/.test(t)) continue
      out.push(line)
    }
    if (!serversWritten) throw new Error('deploy/haproxy.cfg has no backend server line to replace')
    return out.join('\n') + '\n'
  }
  return [
    'global',
    `    maxconn ${HAPROXY_MAXCONN}`,
    '    nbthread 1',
    'defaults',
    '    mode http',
    '    timeout connect 2s',
    '    timeout client 60s',
    '    timeout server 60s',
    '    timeout tunnel 1h',
    '    option redispatch',
    '    retries 3',
    'frontend podium',
    `    bind 127.0.0.1:${port}`,
    '    default_backend servers',
    'backend servers',
    '    balance roundrobin',
    ...(healthPath ? [`    option httpchk GET ${healthPath}`, '    http-check expect status 200'] : []),
    `    default-server inter ${HAPROXY_CHECK.interMs}ms fall ${HAPROXY_CHECK.fall} rise ${HAPROXY_CHECK.rise}`,
    ...serverLines,
    ''
  ].join('\n')
}

/** Starts /usr/sbin/haproxy in the foreground on `configFile`, pinned to `core`; resolves once `port` accepts connections (10 s at most). */
export async function startHaproxy(config: string, configFile: string, port: number, core: number): Promise<Child> {
  writeFileSync(configFile, config)
  const child = spawn('taskset', ['-c', String(core), '/usr/sbin/haproxy', '-db', '-f', configFile], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString() })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const deadline = Date.now() + 10_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited: ${stderr.trim().split('\n').slice(-3).join(' | ')}`)
    try {
      await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(500) })
      break
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL')
        throw new Error(`haproxy did not listen on ${port} within 10 s: ${stderr.trim()}`)
      }
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  return {
    pid: child.pid!,
    info: { port },
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
      await exited
      clearTimeout(timer)
    },
    kill() {
      child.kill('SIGKILL')
    }
  }
}
