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
import { CODES } from './typist.ts'

/** The servers compared. */
export const SERVER_KINDS = ['podium', 'reference', 'hocuspocus'] as const
export type ServerKind = typeof SERVER_KINDS[number]

/** A running server child. */
export interface ServerChild {
  kind: ServerKind
  pid: number
  port: number
  /**
   * Where a client for document `doc` connects, and the delegation it speaks for. `n` picks a
   * delegation token round robin (Podium; elsewhere a roster code from CODES), or with `pen` a pen
   * token (secretariat, chair), which may change anything the schema accepts.
   */
  target(doc: string, n: number, pen?: boolean): Target
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
  /**
   * The server script to run instead of ./server-<kind>.ts (env BENCH_PODIUM_SCRIPT for Podium): e.g.
   * bench/sync/server-podium.ts in a worktree of an older commit, to measure that commit's server
   * under this load generator.
   */
  script?: string
}

/** Starts `kind` pinned to a core and resolves once it listens. Env BENCH_SERVER_FLAGS: extra node flags for every server. */
export async function startChild(kind: ServerKind, options: StartOptions): Promise<ServerChild> {
  const dataDir = mkdtempSync(join(tmpdir(), `podium-bench-${kind}-`))
  const settings: ChildSettings = { seedFile: options.seedFile, historyFile: options.historyFile, dataDir, synchronous: options.synchronous }
  const script = options.script ?? (kind === 'podium' ? process.env.BENCH_PODIUM_SCRIPT : undefined) ?? new URL(`./server-${kind}.ts`, import.meta.url).pathname
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
  // Podium announces delegation tokens with the code each speaks for, and pen tokens.
  let info: { port: number; tokens?: string[]; codes?: string[]; pens?: string[] }
  try {
    info = JSON.parse(await Promise.race([next('READY', 120_000), exited.then(() => { throw new Error(`${kind} server exited before READY`) })]))
  } catch (err) {
    child.kill('SIGKILL')
    rmSync(dataDir, { recursive: true, force: true })
    throw err
  }
  const tokens = info.tokens ?? []
  const codes = info.codes ?? []
  const pens = info.pens ?? []
  if (kind === 'podium' && (codes.length !== tokens.length || pens.length === 0)) {
    child.kill('SIGKILL')
    rmSync(dataDir, { recursive: true, force: true })
    throw new Error(`${script} announced ${tokens.length} tokens, ${codes.length} codes and ${pens.length} pen tokens: it predates the trust-aware load (use this tree's server-podium.ts)`)
  }
  return {
    kind,
    pid: child.pid!,
    port: info.port,
    target(doc, n, pen = false) {
      const base = `ws://127.0.0.1:${info.port}`
      const delegation = pen ? undefined : (kind === 'podium' ? codes[n % codes.length] : CODES[n % CODES.length])
      if (kind === 'podium') {
        const token = pen ? pens[n % pens.length] : tokens[n % tokens.length]
        return { url: `${base}/sync/${doc}?token=${encodeURIComponent(token)}`, framing: 'y-websocket', doc, delegation }
      }
      if (kind === 'reference') return { url: `${base}/${doc}`, framing: 'y-websocket', doc, delegation }
      return { url: base, framing: 'hocuspocus', doc, token: 'bench', delegation }
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
