// Starting a server under test as a child process pinned to one core, and what the load generator
// needs to reach it: URL, framing, tokens.

import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import type { Target } from './client.ts'
import type { ChildSettings } from './child.ts'
import type { PauseReport } from './pauses.ts'

/** The servers compared. */
export const SERVER_KINDS = ['podium', 'reference', 'hocuspocus'] as const
export type ServerKind = typeof SERVER_KINDS[number]

/** A running server child. */
export interface ServerChild {
  kind: ServerKind
  pid: number
  port: number
  /** Where a client for document `doc` connects; `n` picks a token (Podium) round robin. */
  target(doc: string, n: number): Target
  /** Heap and RSS after a full GC, as the child reports it. */
  mem(): Promise<{ rss: number; heapUsed: number; external: number }>
  /** Forgets the child's GC pauses and event-loop delay so far. */
  resetPauses(): void
  /** The child's GC pauses and event-loop delay since resetPauses. */
  pauses(): Promise<PauseReport>
  stop(): Promise<void>
}

/** Options of startChild. */
export interface StartOptions {
  seedFile: string
  historyFile?: string
  synchronous?: 'full' | 'normal'
  /** Core to pin the server to (taskset); default 0. */
  core?: number
  /** Extra node flags, e.g. --cpu-prof. */
  nodeFlags?: string[]
}

/** Starts `kind` pinned to a core and resolves once it listens. Env BENCH_SERVER_FLAGS: extra node flags for every server. */
export async function startChild(kind: ServerKind, options: StartOptions): Promise<ServerChild> {
  const dataDir = mkdtempSync(join(tmpdir(), `podium-bench-${kind}-`))
  const settings: ChildSettings = { seedFile: options.seedFile, historyFile: options.historyFile, dataDir, synchronous: options.synchronous }
  const script = new URL(`./server-${kind}.ts`, import.meta.url).pathname
  const runTs = new URL('../../bin/run-ts.js', import.meta.url).pathname
  const child: ChildProcess = spawn('taskset', ['-c', String(options.core ?? 0), process.execPath, '--expose-gc', ...(process.env.BENCH_SERVER_FLAGS ? process.env.BENCH_SERVER_FLAGS.split(' ') : []), ...(options.nodeFlags ?? []), runTs, script], {
    env: { ...process.env, BENCH_SERVER: JSON.stringify(settings), NODE_ENV: 'production' },
    stdio: ['pipe', 'pipe', 'inherit']
  })
  const lines = createInterface({ input: child.stdout! })
  const waiters: ((line: string) => boolean)[] = []
  lines.on('line', (line) => {
    const i = waiters.findIndex((w) => w(line))
    if (i >= 0) waiters.splice(i, 1)
  })
  const next = (prefix: string, timeoutMs: number) => new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind}: no ${prefix} line within ${timeoutMs} ms`)), timeoutMs)
    waiters.push((line) => {
      if (!line.startsWith(prefix + ' ')) return false
      clearTimeout(timer)
      resolve(line.slice(prefix.length + 1))
      return true
    })
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let info: { port: number; tokens?: string[] }
  try {
    info = JSON.parse(await Promise.race([next('READY', 120_000), exited.then(() => { throw new Error(`${kind} server exited before READY`) })]))
  } catch (err) {
    child.kill('SIGKILL')
    rmSync(dataDir, { recursive: true, force: true })
    throw err
  }
  const tokens = info.tokens ?? []
  return {
    kind,
    pid: child.pid!,
    port: info.port,
    target(doc, n) {
      const base = `ws://127.0.0.1:${info.port}`
      if (kind === 'podium') return { url: `${base}/sync/${doc}?token=${encodeURIComponent(tokens[n % tokens.length])}`, framing: 'y-websocket', doc }
      if (kind === 'reference') return { url: `${base}/${doc}`, framing: 'y-websocket', doc }
      return { url: base, framing: 'hocuspocus', doc, token: 'bench' }
    },
    async mem() {
      const reply = next('MEM', 30_000)
      child.stdin!.write('mem\n')
      return JSON.parse(await reply)
    },
    resetPauses() {
      child.stdin!.write('pauses reset\n')
    },
    async pauses() {
      const reply = next('PAUSES', 30_000)
      child.stdin!.write('pauses\n')
      return JSON.parse(await reply)
    },
    async stop() {
      child.stdin!.end()
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}
