// The four set-ups bench:cluster compares, each started fresh and stopped after its run:
//   podium-sqlite     one Podium on SQLite (the embedded default)
//   podium-pg-redis   one Podium on PostgreSQL + Redis
//   podium-3-haproxy  three Podiums on PostgreSQL + Redis behind HAProxy
//   hocuspocus-redis  two Hocuspocus 4.7 + @hocuspocus/extension-redis behind the same HAProxy,
//                     documents in PostgreSQL (on its debounce)
// The arms with a balancer run it with the committed deploy/haproxy.cfg (by document: a hash of the
// path) or with its balancing replaced by round robin (`balance`): Hocuspocus always gets the same
// config as Podium, and its clients name their document in the path (`ws://host/<doc>`) as Podium's do.
// Every server child is pinned to core 0 with HAProxy; the load generator runs on core 1.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer } from 'node:net'
import * as Y from 'yjs'
import { Paths } from '../../shared/protocol.ts'
import type { Target } from '../sync/client.ts'
import { readUpdates } from '../sync/child.ts'
import { CODES } from '../sync/typist.ts'
import { openSqliteStorage } from '../../server/storage/sqlite.ts'
import { openPostgresStorage } from '../../server/storage/postgres/index.ts'
import { haproxyConfig, roundRobin, startHaproxy, startScript, type Balance, type Child } from './children.ts'
import { POSTGRES_URL, REDIS, clearRedis, createSchema, dropSchema, redisUrl, sql } from './services.ts'

/** The arms, in the order they run. */
export const ARM_NAMES = ['podium-sqlite', 'podium-pg-redis', 'podium-3-haproxy', 'hocuspocus-redis'] as const
export type ArmName = typeof ARM_NAMES[number]

/** What a participant is. */
export type Role = 'writer' | 'pen' | 'observer'

/** A running arm. */
export interface Arm {
  name: ArmName
  /** How its balancer picks a server, or null without one. */
  balance: Balance | null
  /** Server processes, by index. */
  servers: Child[]
  balancer: Child | null
  /** Where participant `i` of `role` connects on its `attempt`-th connection (through the balancer when there is one). */
  target(doc: string, role: Role, i: number, attempt: number): Target
  /** Straight to server `k` (checks after the run), as an observer where roles exist. */
  direct(k: number, doc: string): Target
  /** Indexes of the servers still running. */
  alive(): number[]
  /** kill -9 server `k`. */
  kill(k: number): void
  /**
   * The server authoritative for `doc` now (its lease; for Hocuspocus balanced by document, the
   * instance its clients are sent to), or null when the arm has no such notion.
   */
  authoritative(doc: string): Promise<number | null>
  /** The document as storage holds it (one update), read after the servers have stored what they will. */
  stored(doc: string): Promise<Uint8Array | null>
  /** How long after the last edit storage holds everything it will (Hocuspocus stores on a 2 s debounce). */
  storeDelayMs: number
  /** Whether the arm takes a server's death (more than one server behind the balancer). */
  failover: boolean
  /** Stops everything and removes its data (schema, Redis keys, directories). */
  stop(): Promise<void>
}

/** Why an arm cannot run on this tree, or null when it can. */
export function unavailable(name: ArmName): string | null {
  if (name === 'podium-sqlite') return null
  if (!existsSync('/usr/sbin/haproxy') && name !== 'podium-pg-redis') return '/usr/sbin/haproxy is missing (apt-get install haproxy)'
  return null
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

/** Whether arm `name` runs behind HAProxy (and so in each balancing). */
export function balanced(name: ArmName): boolean {
  return name === 'podium-3-haproxy' || name === 'hocuspocus-redis'
}

// deploy/haproxy.cfg as the arm's balancer uses it (null when the tree has none: children.ts's minimal round-robin config).
function deployConfig(balance: Balance): string | null {
  const deploy = existsSync('deploy/haproxy.cfg') ? readFileSync('deploy/haproxy.cfg', 'utf8') : null
  return deploy && balance === 'roundrobin' ? roundRobin(deploy) : deploy
}

/**
 * Starts arm `name` with documents `bench` and `screen` holding the seed; `runId` names its schema
 * and keys; `balance` is its balancer's (ignored without one).
 */
export async function startArm(name: ArmName, seedFile: string, runId: string, balance: Balance = 'committed'): Promise<Arm> {
  if (name === 'hocuspocus-redis') return startHocuspocus(seedFile, runId, balance)
  return startPodium(name, seedFile, runId, balance)
}

async function startPodium(name: ArmName, seedFile: string, runId: string, balance: Balance): Promise<Arm> {
  const dir = mkdtempSync(join(tmpdir(), `podium-bench-cluster-${name}-`))
  const cluster = name !== 'podium-sqlite'
  const count = name === 'podium-3-haproxy' ? 3 : 1
  const schema = `bench_cluster_${runId}_${name.replace(/-/g, '_')}`
  const pgUrl = `${POSTGRES_URL}?schema=${schema}`
  if (cluster) await createSchema(schema)
  const servers: Child[] = []
  let balancer: Child | null = null
  const stop = async () => {
    await balancer?.stop()
    await Promise.all(servers.map((s) => s.stop()))
    rmSync(dir, { recursive: true, force: true })
    if (cluster) await dropSchema(schema)
  }
  try {
    for (let k = 0; k < count; k++) {
      // One after another: the first creates the documents, the others find them.
      const child = await startScript('./server-podium.ts', { seedFile, dataDir: join(dir, `s${k}`), postgres: cluster ? pgUrl : undefined, redis: cluster ? redisUrl() : undefined, name: `bench-${k}` }, 0, `${name} server ${k}`)
      servers.push(child)
      if (cluster && child.info.storage !== 'postgres') throw new Error('startServer does not take the cluster options yet (the server started on SQLite): see bench/cluster/cluster-options.ts')
    }
    if (count > 1) {
      const port = await freePort()
      balancer = await startHaproxy(haproxyConfig(deployConfig(balance), port, servers.map((s, k) => ({ name: `s${k}`, port: s.info.port })), Paths.health), join(dir, 'haproxy.cfg'), port, 0)
    }
  } catch (err) {
    await stop()
    throw err
  }
  const info = servers[0].info as unknown as { tokens: string[]; codes: string[]; pens: string[]; observers: string[] }
  const killed = new Set<number>()
  const url = (port: number, doc: string, token: string) => `ws://127.0.0.1:${port}/sync/${doc}?token=${encodeURIComponent(token)}`
  return {
    name,
    balance: balancer ? balance : null,
    servers,
    balancer,
    storeDelayMs: 0,
    failover: count > 1,
    target(doc, role, i, attempt) {
      const port = balancer ? balancer.info.port : servers[(i + attempt) % servers.length].info.port
      if (role === 'observer') return { url: url(port, doc, info.observers[0]), framing: 'y-websocket', doc }
      if (role === 'pen') return { url: url(port, doc, info.pens[i % info.pens.length]), framing: 'y-websocket', doc }
      return { url: url(port, doc, info.tokens[i % info.tokens.length]), framing: 'y-websocket', doc, delegation: info.codes[i % info.codes.length] }
    },
    direct(k, doc) {
      return { url: url(servers[k].info.port, doc, info.observers[0]), framing: 'y-websocket', doc }
    },
    alive: () => servers.map((_, k) => k).filter((k) => !killed.has(k)),
    kill(k) {
      killed.add(k)
      servers[k].kill()
    },
    async authoritative(doc) {
      if (!cluster || count === 1) return cluster ? 0 : null
      try {
        const { rows } = await sql(`SELECT holder FROM ${schema}.leases WHERE doc = $1`, [doc])
        const holder = rows[0]?.holder as string | undefined
        const k = servers.findIndex((s) => holder !== undefined && holder.includes(String(s.info.name)))
        return k >= 0 ? k : null
      } catch {
        return null
      }
    },
    async stored(doc) {
      // Read while the servers may still run: what is stored was stored before it was sent.
      const storage = cluster ? openPostgresStorage(pgUrl) : openSqliteStorage(join(dir, 's0'))
      try {
        const loaded = storage.load(doc)
        return loaded ? Y.mergeUpdates(loaded.updates) : null
      } finally {
        storage.close()
      }
    },
    stop
  }
}

async function startHocuspocus(seedFile: string, runId: string, balance: Balance): Promise<Arm> {
  const dir = mkdtempSync(join(tmpdir(), 'podium-bench-cluster-hocuspocus-'))
  const schema = `bench_cluster_${runId}_hocuspocus`
  const prefix = `podium-bench-${runId.replace(/_/g, '-')}-hp`
  await createSchema(schema)
  await sql(`CREATE TABLE ${schema}.hocuspocus_documents (name text PRIMARY KEY, data bytea NOT NULL)`)
  const seed = Buffer.from(Y.mergeUpdates(readUpdates(seedFile)))
  for (const doc of ['bench', 'screen']) await sql(`INSERT INTO ${schema}.hocuspocus_documents (name, data) VALUES ($1, $2)`, [doc, seed])
  const servers: Child[] = []
  let balancer: Child | null = null
  const stop = async () => {
    await balancer?.stop()
    await Promise.all(servers.map((s) => s.stop()))
    rmSync(dir, { recursive: true, force: true })
    await dropSchema(schema)
    await clearRedis(prefix)
  }
  try {
    for (let k = 0; k < 2; k++) {
      servers.push(await startScript('./server-hocuspocus.ts', { postgres: POSTGRES_URL, schema, redis: { ...REDIS, prefix }, name: `hocuspocus-${k}` }, 0, `hocuspocus ${k}`))
    }
    const port = await freePort()
    // Hocuspocus answers any HTTP request 200 ("Welcome to Hocuspocus!"), so the same check path works.
    balancer = await startHaproxy(haproxyConfig(deployConfig(balance), port, servers.map((s, k) => ({ name: `h${k}`, port: s.info.port })), Paths.health), join(dir, 'haproxy.cfg'), port, 0)
  } catch (err) {
    await stop()
    throw err
  }
  const killed = new Set<number>()
  // The document in the path (Hocuspocus takes any path; its frames name the document too), so that
  // balancing by path puts a document's clients on one instance, as it does Podium's.
  const target = (port: number, doc: string, i: number): Target => ({ url: `ws://127.0.0.1:${port}/${encodeURIComponent(doc)}`, framing: 'hocuspocus', doc, token: 'bench', delegation: CODES[i % CODES.length] })
  return {
    name: 'hocuspocus-redis',
    balance,
    servers,
    balancer,
    storeDelayMs: 3500,
    failover: true,
    target: (doc, _role, i) => target(balancer!.info.port, doc, i),
    direct: (k, doc) => target(servers[k].info.port, doc, 0),
    alive: () => servers.map((_, k) => k).filter((k) => !killed.has(k)),
    kill(k) {
      killed.add(k)
      servers[k].kill()
    },
    // By document, all of a document's clients are on the instance the balancer sends its path to (ask it); round robin: none.
    async authoritative(doc) {
      if (balance !== 'committed') return null
      try {
        const res = await fetch(`http://127.0.0.1:${balancer!.info.port}/${encodeURIComponent(doc)}`, { signal: AbortSignal.timeout(3000) })
        await res.arrayBuffer()
        const k = servers.findIndex((s) => s.info.name === res.headers.get('x-bench-server'))
        return k >= 0 ? k : null
      } catch {
        return null
      }
    },
    async stored(doc) {
      const { rows } = await sql(`SELECT data FROM ${schema}.hocuspocus_documents WHERE name = $1`, [doc])
      return rows[0] ? new Uint8Array(rows[0].data as Buffer) : null
    },
    stop
  }
}
