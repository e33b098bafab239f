// Hocuspocus 4.7 with @hocuspocus/extension-redis, one of two instances, for the cluster benchmark:
// documents stored in PostgreSQL (one merged state per document, in the bench's own schema) through
// the server's onLoadDocument/onStoreDocument hooks, on Hocuspocus' default debounce (2 s, at most
// 10 s): not before each broadcast. Updates and awareness reach the other instance through Redis
// (the bench's key prefix; its own database number).

import pg from 'pg'
import * as Y from 'yjs'
import { Server } from '@hocuspocus/server'
import { Redis } from '@hocuspocus/extension-redis'
import { announce } from '../sync/child.ts'

/** What the runner passes in BENCH_CLUSTER_SERVER. */
export interface HocuspocusChildSettings {
  /** postgres:// URL of database `test` (no schema parameter: `schema` below). */
  postgres: string
  schema: string
  redis: { host: string; port: number; db: number; prefix: string }
  name: string
}

const settings = JSON.parse(process.env.BENCH_CLUSTER_SERVER ?? '{}') as HocuspocusChildSettings
const pool = new pg.Pool({ connectionString: settings.postgres, max: 4 })
const table = `"${settings.schema}".hocuspocus_documents`

const server = new Server({
  port: 0,
  address: '127.0.0.1',
  quiet: true,
  name: settings.name,
  extensions: [new Redis({ host: settings.redis.host, port: settings.redis.port, options: { db: settings.redis.db }, prefix: settings.redis.prefix, identifier: settings.name })],
  // Which instance answered (the bench asks the balancer where a document's clients go).
  async onRequest({ response }) {
    response.setHeader('x-bench-server', settings.name)
  },
  async onLoadDocument({ documentName, document }) {
    const { rows } = await pool.query<{ data: Buffer }>(`SELECT data FROM ${table} WHERE name = $1`, [documentName])
    if (rows[0]) Y.applyUpdate(document, rows[0].data)
    return document
  },
  async onStoreDocument({ documentName, document }) {
    await pool.query(`INSERT INTO ${table} (name, data) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET data = EXCLUDED.data`, [documentName, Buffer.from(Y.encodeStateAsUpdate(document))])
  }
})
await server.listen()
announce({ port: server.address.port, name: settings.name }, async () => {
  await server.destroy()
  await pool.end()
})
