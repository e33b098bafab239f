// Cluster tests: several Podium servers on one database and the machine's Redis, HAProxy in front
// (its config written from deploy/haproxy.cfg with the test's ports), all on loopback. A missing
// Redis or HAProxy fails the test, never skips it.

import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs'
import { createServer, connect as tcpConnect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll } from 'vitest'
import * as Y from 'yjs'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import { startServer, type RunningServer, type ServerOptions } from '../../server/index.ts'
import { newYDoc } from '../../shared/ydoc.ts'
import { openStorage, type OpenedStorage } from '../../server/storage/open.ts'
import { withPostgresSchema } from '../helpers/postgres.ts'
import { roundRobin, type Balance } from '../../bench/cluster/children.ts'

/** The machine's Redis (PODIUM_TEST_REDIS_URL to override). */
export const REDIS_URL = process.env.PODIUM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

/** The HAProxy binary (Debian's package). */
export const HAPROXY = '/usr/sbin/haproxy'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** A free TCP port on loopback (bound and released: good enough for a test). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

/** Resolves once something accepts TCP connections on `port`; throws after `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = tcpConnect(port, '127.0.0.1')
      c.once('connect', () => { c.destroy(); resolve(true) })
      c.once('error', () => resolve(false))
    })
    if (ok) return
    if (Date.now() > deadline) throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms`)
    await sleep(50)
  }
}

/** Waits `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}

/** A shared meeting in the machine's PostgreSQL: a schema of its own, dropped by cleanup(). */
export interface SharedStorage {
  /** startServer options naming the meeting (`postgres`, and a scratch `dataDir` for nothing stored). */
  options: Partial<ServerOptions>
  /** The PostgreSQL URL with `?schema=`. */
  url: string
  /** Opens the meeting's storage in this process (tokens, checks against the log); closed by cleanup(). */
  open(): OpenedStorage
  cleanup(): Promise<void>
}

/** A fresh shared meeting in PostgreSQL (fails, never skips, when PostgreSQL is not running). */
export async function sharedStorage(): Promise<SharedStorage> {
  const schema = await withPostgresSchema()
  const dir = mkdtempSync(join(tmpdir(), 'podium-cluster-'))
  const opened: OpenedStorage[] = []
  return {
    options: { postgres: schema.url, dataDir: dir } as Partial<ServerOptions>,
    url: schema.url,
    open: () => {
      const s = openStorage({ postgres: schema.url })
      opened.push(s)
      return s
    },
    cleanup: async () => {
      for (const s of opened.splice(0)) s.close()
      rmSync(dir, { recursive: true, force: true })
      await schema.cleanup()
    }
  }
}

/** Starts `n` quiet servers in this process on the shared storage, one after the other (the first seeds the demo). */
export async function startServers(n: number, shared: Partial<ServerOptions>, extra: Partial<ServerOptions> = {}): Promise<RunningServer[]> {
  const out: RunningServer[] = []
  for (let i = 0; i < n; i++) {
    out.push(await startServer({ port: 0, logLevel: process.env.PODIUM_TEST_LOG ?? 'silent', synchronous: 'normal', redis: REDIS_URL, serverId: `s${i + 1}-${process.pid}`, dataDir: '', ...shared, ...extra }))
  }
  return out
}

/**
 * For a describe block: three servers on a fresh shared meeting whose own token polls are set to a
 * minute, so only what Redis carries (a revocation, a document's new state) reaches the others in
 * time. Started before the block's tests, closed and dropped after them; `servers()` gives them.
 */
export function threeServersWithSlowPolls(): { servers(): RunningServer[] } {
  let shared: SharedStorage | undefined
  let servers: RunningServer[] = []
  beforeAll(async () => {
    shared = await sharedStorage()
    servers = await startServers(3, shared.options, { revocationPollMs: 60_000, tokenRecheckMs: 60_000 })
  }, 60_000)
  afterAll(async () => {
    for (const s of servers) await s.close()
    await shared?.cleanup()
  })
  return { servers: () => servers }
}

/**
 * Stops what a test behind a balancer started, clients first: providers destroyed, HAProxy stopped,
 * servers closed (in this process) or stopped (children), the shared storage dropped. Parts a failed
 * `beforeAll` never made are skipped.
 */
export async function tearDown(parts: { providers: { destroy(): void }[]; balancer?: Balancer; servers: (RunningServer | ChildServer)[]; shared?: SharedStorage }): Promise<void> {
  for (const p of parts.providers) p.destroy()
  await parts.balancer?.stop()
  for (const s of parts.servers) await ('stop' in s ? s.stop() : s.close())
  await parts.shared?.cleanup()
}

/** A running HAProxy in front of `ports`. */
export interface Balancer {
  port: number
  stop(): Promise<void>
}

/**
 * Starts HAProxy with deploy/haproxy.cfg, its bind and servers replaced by the test's ports; with
 * `balance: 'roundrobin'` its balancing too (see roundRobin).
 */
export async function startBalancer(ports: number[], options: { balance?: Balance } = {}): Promise<Balancer> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'podium-haproxy-'))
  const committed = readFileSync(join(ROOT, 'deploy/haproxy.cfg'), 'utf8')
  const template = options.balance === 'roundrobin' ? roundRobin(committed) : committed
  const lines = template.split('\n')
  const marker = lines.findIndex((l) => l.trim() === '# podium:servers')
  if (marker < 0) throw new Error('deploy/haproxy.cfg has no "# podium:servers" marker')
  const servers = ports.map((p, i) => `    server podium${i + 1} 127.0.0.1:${p}`)
  const cfg = [...lines.slice(0, marker), ...servers, ''].join('\n')
    .replace(/^(\s*bind\s+)\S+/m, `$1127.0.0.1:${port}`)
    .replace(/^(\s*maxconn\s+)\d+/m, '$12000')
    // Faster health checks in tests: a killed server leaves the rotation within about 400 ms.
    .replace(/default-server inter 1s fall 2 rise 1/, 'default-server inter 200ms fall 2 rise 1')
  const file = join(dir, 'haproxy.cfg')
  writeFileSync(file, cfg)
  const child: ChildProcess = spawn(HAPROXY, ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (d) => { stderr += String(d) })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.once('error', (err) => { stderr += err.message })
  try {
    await waitForPort(port, 5000)
  } catch (err) {
    child.kill('SIGKILL')
    throw new Error(`HAProxy (${HAPROXY}) did not start: ${stderr || (err as Error).message}`)
  }
  return {
    port,
    stop: async () => {
      child.kill('SIGTERM')
      await Promise.race([exited, sleep(2000)])
      child.kill('SIGKILL')
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

/** A y-websocket provider on `port` (a server or the balancer). */
export function provider(port: number, doc: string, token: string, ydoc: Y.Doc = newYDoc()): WebsocketProvider {
  return new WebsocketProvider(`ws://127.0.0.1:${port}/sync`, doc, ydoc, {
    params: { token },
    WebSocketPolyfill: WebSocket as never,
    disableBc: true,
    maxBackoffTime: 200
  })
}

/** A server in a child process. */
export interface ChildServer {
  port: number
  serverId: string
  /** SIGKILL: no shutdown, no lease released, sockets cut. */
  kill(): void
  /** SIGTERM and wait for the exit (SIGKILL after 5 s). */
  stop(): Promise<void>
}

/** Starts a server in its own process on the shared storage and this test's Redis; resolves once it listens. */
export async function startChild(shared: Partial<ServerOptions>, serverId: string, extra: Partial<ServerOptions> = {}, env: Record<string, string> = {}): Promise<ChildServer> {
  const options = { port: 0, synchronous: 'normal', redis: REDIS_URL, serverId, ...shared, ...extra }
  const child = spawn(process.execPath, [join(ROOT, 'bin/run-ts.js'), join(ROOT, 'tests/cluster/child.ts')], {
    env: { ...process.env, ...env, PODIUM_TEST_CHILD: JSON.stringify(options) },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stderr = ''
  child.stderr!.on('data', (d) => { stderr += String(d) })
  // PODIUM_TEST_LOG_DIR: each child's log (PODIUM_TEST_LOG level) in <dir>/<server id>.log, to read a failure.
  if (process.env.PODIUM_TEST_LOG_DIR) child.stdout!.pipe(createWriteStream(join(process.env.PODIUM_TEST_LOG_DIR, `${serverId}.log`)))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const port = await new Promise<number>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`server ${serverId} did not start in 30 s: ${stderr}`)), 30_000)
    child.stdout!.on('data', (d) => {
      out += String(d)
      const m = /\{"port":(\d+)\}/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(Number(m[1]))
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`server ${serverId} exited (${code}) before listening: ${stderr}`))
    })
  })
  return {
    port,
    serverId,
    kill: () => { child.kill('SIGKILL') },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      await Promise.race([exited, sleep(5000)])
      child.kill('SIGKILL')
      await exited
    }
  }
}

/** Every paragraph text of a podium document (Y.Doc), in order. */
export function paragraphTexts(ydoc: Y.Doc): string[] {
  const out: string[] = []
  for (const node of ydoc.getXmlFragment('prosemirror').toArray()) {
    if (node instanceof Y.XmlElement) out.push(node.toArray().map((c) => (c instanceof Y.XmlText ? c.toString() : '')).join(''))
  }
  return out
}

/** The stored document: everything in the log, as a Y.Doc. */
export function storedDoc(storage: { load(name: string): { updates: Uint8Array[] } | null }, name: string): Y.Doc {
  const loaded = storage.load(name)
  if (!loaded) throw new Error(`no document ${name} in storage`)
  const doc = newYDoc()
  for (const u of loaded.updates) Y.applyUpdate(doc, u)
  return doc
}
