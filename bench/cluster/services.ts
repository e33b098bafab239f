// The machine's PostgreSQL and Redis as the benchmark uses them: a schema of its own in database
// `test` (dropped after), a Redis database number and key prefix of its own (its keys deleted after),
// and the CPU their processes spend meanwhile (read from /proc; they are shared with anything else
// running on the machine).

import { readdirSync, readFileSync } from 'node:fs'
import pg from 'pg'
import { cpuSeconds } from '../sync/proc.ts'

/** Where the benchmark finds the services (env BENCH_POSTGRES, BENCH_REDIS). */
export const POSTGRES_URL = process.env.BENCH_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test'
export const REDIS = { host: '127.0.0.1', port: 6379, db: Number(process.env.BENCH_REDIS_DB ?? 11) }

/** The Redis URL of the bench's database. */
export const redisUrl = (): string => `redis://${REDIS.host}:${REDIS.port}/${REDIS.db}`

/** Runs SQL on database `test`. */
export async function sql(text: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 })
  await client.connect()
  try {
    return await client.query(text, params)
  } finally {
    await client.end()
  }
}

/** Fails in words when PostgreSQL or Redis cannot be reached (the cluster arms need both). */
export async function checkServices(): Promise<void> {
  try {
    await sql('SELECT 1')
  } catch (err) {
    throw new Error(`PostgreSQL at ${POSTGRES_URL} cannot be reached (${(err as Error).message}); start it or set BENCH_POSTGRES`)
  }
  const { createConnection } = await import('node:net')
  await new Promise<void>((resolve, reject) => {
    const s = createConnection(REDIS.port, REDIS.host)
    s.setTimeout(2000, () => { s.destroy(); reject(new Error(`Redis at ${REDIS.host}:${REDIS.port} does not answer`)) })
    s.once('connect', () => { s.end(); resolve() })
    s.once('error', (err) => reject(new Error(`Redis at ${REDIS.host}:${REDIS.port} cannot be reached (${err.message})`)))
  })
}

/** Creates an empty schema `name` (dropping an old one of that name first). */
export async function createSchema(name: string): Promise<void> {
  if (!/^bench_cluster_[a-z0-9_]+$/.test(name)) throw new RangeError(`schema ${JSON.stringify(name)} is not a bench_cluster_ name`)
  await sql(`DROP SCHEMA IF EXISTS ${name} CASCADE`)
  await sql(`CREATE SCHEMA ${name}`)
}

/** Drops schema `name` and everything in it. */
export async function dropSchema(name: string): Promise<void> {
  if (!/^bench_cluster_[a-z0-9_]+$/.test(name)) throw new RangeError(`schema ${JSON.stringify(name)} is not a bench_cluster_ name`)
  await sql(`DROP SCHEMA IF EXISTS ${name} CASCADE`)
}

/** Processes named `comm` (from /proc/<pid>/comm), e.g. redis-server, postgres. */
export function pidsNamed(comm: string): number[] {
  const out: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === comm) out.push(Number(entry))
    } catch {
      // gone meanwhile
    }
  }
  return out
}

/** CPU seconds used so far by the machine's Redis and PostgreSQL processes (those alive now; backends come and go). */
export function serviceCpu(): { redis: number; postgres: number; at: Map<number, number> } {
  const at = new Map<number, number>()
  let redis = 0
  let postgres = 0
  for (const pid of pidsNamed('redis-server')) {
    try { const c = cpuSeconds(pid); at.set(pid, c); redis += c } catch { /* exited */ }
  }
  for (const pid of pidsNamed('postgres')) {
    try { const c = cpuSeconds(pid); at.set(pid, c); postgres += c } catch { /* exited */ }
  }
  return { redis, postgres, at }
}

/**
 * CPU the services spent between two serviceCpu() readings: per process, what it used since the
 * first reading (a backend that started meanwhile counts whole; one that exited meanwhile is lost).
 */
export function serviceCpuSince(before: ReturnType<typeof serviceCpu>): { redis: number; postgres: number } {
  const now = serviceCpu()
  const redisPids = new Set(pidsNamed('redis-server'))
  let redis = 0
  let postgres = 0
  for (const [pid, c] of now.at) {
    const d = c - (before.at.get(pid) ?? 0)
    if (redisPids.has(pid)) redis += d
    else postgres += d
  }
  return { redis, postgres }
}

/** Deletes the Redis keys under `prefix` in the bench's database (SCAN + DEL through redis-cli). */
export async function clearRedis(prefix: string): Promise<void> {
  if (!/^podium-bench-[a-z0-9-]+$/.test(prefix)) throw new RangeError(`redis prefix ${JSON.stringify(prefix)} is not a podium-bench- prefix`)
  const { execFileSync } = await import('node:child_process')
  const keys = execFileSync('redis-cli', ['-h', REDIS.host, '-p', String(REDIS.port), '-n', String(REDIS.db), '--scan', '--pattern', `${prefix}*`]).toString().split('\n').filter(Boolean)
  for (let i = 0; i < keys.length; i += 500) execFileSync('redis-cli', ['-h', REDIS.host, '-p', String(REDIS.port), '-n', String(REDIS.db), 'DEL', ...keys.slice(i, i + 500)])
}
