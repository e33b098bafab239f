// The thread that owns the PostgreSQL pool. The caller's thread posts a request on the port and
// blocks on the shared signal (bridge.ts); this thread runs the query, posts the answer, then
// raises the signal. Requests may overlap only after the caller gave up on one (timeout): each
// answer carries its request's id, and the caller drops answers it no longer waits for.

import { workerData, type MessagePort } from 'node:worker_threads'
import pg from 'pg'
import { CALL_TIMEOUT_MS, CONNECT_TIMEOUT_MS, POOL_MAX } from './config.ts'
import { toWire } from './errors.ts'
import { migrate } from './migrate.ts'
import { appendMany, compact, createDoc, getDoc, lastUpdateId, listDocs, load, pendingCount } from './store-log.ts'
import { recordOps } from './store-records.ts'
import { verifyOps } from './store-verify.ts'
import { importOps } from './store-import.ts'

/** What bridge.ts gives the worker. */
export interface BridgeWorkerData {
  connectionString: string
  schema: string
  display: string
  signal: SharedArrayBuffer
  port: MessagePort
}

/** One request: an operation by name and its arguments. */
export interface Request {
  id: number
  op: string
  args: unknown[]
}

const data = workerData as BridgeWorkerData
const signal = new Int32Array(data.signal)

// BIGINT counts and ids, and SUMs, as numbers: ids stay far below 2^53.
pg.types.setTypeParser(20, Number)
pg.types.setTypeParser(1700, Number)

const pool = new pg.Pool({
  connectionString: data.connectionString,
  max: POOL_MAX,
  connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  query_timeout: CALL_TIMEOUT_MS,
  idleTimeoutMillis: 30_000,
  keepAlive: true,
  options: `-c search_path="${data.schema}"`
})
// An idle connection lost (PostgreSQL restarted) is dropped by the pool; the next call connects anew.
pool.on('error', () => {})
// A socket error that escapes `pg` must not end the thread that every storage call depends on: the
// call it belonged to fails (or times out) with StorageUnavailableError, the next ones reconnect.
process.on('uncaughtException', () => {})

const ops: Record<string, (...args: never[]) => Promise<unknown>> = {
  open: async (asIs = false) => {
    const c = await pool.connect()
    let broken: Error | undefined
    c.on('error', (err) => { broken = err })
    try {
      if (asIs) {
        const r = await c.query("SELECT to_regclass('schema_migrations') IS NOT NULL AND to_regclass('docs') IS NOT NULL AS ok")
        if (!r.rows[0].ok) throw new RangeError(`no Podium meeting in ${data.display} (schema ${data.schema} has no Podium tables)`)
        return []
      }
      return await migrate(c, data.schema)
    } catch (err) {
      broken = err as Error
      throw err
    } finally {
      c.release(broken)
    }
  },
  createDoc: (name: string, title: string, initial: Uint8Array, a) => createDoc(pool, name, title, initial, a),
  appendMany: (name: string, items, fence?: number) => appendMany(pool, name, items, fence),
  load: (name: string) => load(pool, name),
  compact: (name: string, known?: { upto: number; state: Uint8Array; structs?: number }) => compact(pool, name, known),
  pendingCount: (name: string) => pendingCount(pool, name),
  compactPlan: async (name: string) => ({ last: await lastUpdateId(pool, name), pending: await pendingCount(pool, name) }),
  lastUpdateId: (doc: string) => lastUpdateId(pool, doc),
  getDoc: (name: string) => getDoc(pool, name),
  listDocs: () => listDocs(pool),
  ...recordOps(pool),
  ...verifyOps(pool, data.schema),
  ...importOps(pool),
  close: async () => { await pool.end() }
}

function answer (message: object): void {
  data.port.postMessage(message)
  Atomics.store(signal, 0, 1)
  Atomics.notify(signal, 0)
}

data.port.on('message', async (req: Request) => {
  const op = ops[req.op]
  try {
    if (!op) throw new RangeError(`unknown storage operation ${JSON.stringify(req.op)}`)
    answer({ id: req.id, ok: true, value: await op(...(req.args as never[])) })
  } catch (err) {
    answer({ id: req.id, ok: false, error: toWire(err, data.display) })
  }
})
