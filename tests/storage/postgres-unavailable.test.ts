// PostgreSQL unreachable, gone or hung: every storage call fails with StorageUnavailableError within
// its timeout (never a hang), writes nothing it did not acknowledge, and works again by itself once
// the database is back. The database is taken away by a proxy in between (tests/helpers/tcp-proxy.ts),
// never by stopping the machine's PostgreSQL.

import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { serverAttribution } from '../../server/documents.ts'
import { CALL_TIMEOUT_MS, OPEN_TIMEOUT_MS, openPostgresStorage, type PostgresStorage } from '../../server/storage/postgres/index.ts'
import { StorageUnavailableError } from '../../server/storage/types.ts'
import { newYDoc } from '../../shared/ydoc.ts'
import { addParagraph } from '../server/helpers.ts'
import { TEST_POSTGRES_URL, withPostgresSchema, withSchemaParam, type PostgresSchema } from '../helpers/postgres.ts'
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts'

let schema: PostgresSchema | null = null
let proxy: TcpProxy | null = null
let storage: PostgresStorage | null = null
afterEach(async () => {
  storage?.close()
  await proxy?.close()
  await schema?.cleanup()
  storage = null
  proxy = null
  schema = null
})

function throwsUnavailable (f: () => unknown): number {
  const started = performance.now()
  expect(f).toThrow(StorageUnavailableError)
  return performance.now() - started
}

describe('PostgreSQL unavailable', () => {
  it('fails to open with StorageUnavailableError, quickly, when nothing listens on the port', () => {
    const url = new URL(TEST_POSTGRES_URL)
    url.port = '1'
    const ms = throwsUnavailable(() => openPostgresStorage(url.toString()))
    expect(ms).toBeLessThan(OPEN_TIMEOUT_MS)
  })

  it('refuses calls while the database is gone or hung, and resumes by itself when it is back', { timeout: 120_000 }, async () => {
    schema = await withPostgresSchema()
    proxy = await startTcpProxy(Number(new URL(TEST_POSTGRES_URL).port || 5432))
    const url = new URL(withSchemaParam(TEST_POSTGRES_URL, schema.schema))
    url.port = String(proxy.port)
    const s = storage = openPostgresStorage(url.toString())
    const source = newYDoc()
    const updates: Uint8Array[] = []
    source.on('update', (u: Uint8Array) => updates.push(u))
    addParagraph(source, 'before')
    expect(s.createDoc('d', 'D', updates.shift()!, serverAttribution([source.clientID]))).toBe(true)
    addParagraph(source, 'acknowledged')
    const acked = s.append('d', updates.shift()!, serverAttribution([source.clientID]))

    // Gone: connections cut, the port refuses.
    await proxy.down()
    addParagraph(source, 'refused while down')
    const refused = updates.shift()!
    expect(throwsUnavailable(() => s.append('d', refused, serverAttribution([source.clientID])))).toBeLessThan(CALL_TIMEOUT_MS + 1000)
    expect(throwsUnavailable(() => s.load('d'))).toBeLessThan(CALL_TIMEOUT_MS + 1000)

    // Back: the pool connects again by itself; what was acknowledged is there, what was refused is not.
    await proxy.up()
    const loaded = s.load('d')!
    expect(loaded.upto).toBe(acked)
    const again = s.append('d', refused, serverAttribution([source.clientID]))
    expect(again).toBe(acked + 1)

    // Hung: a call gives up after its timeout instead of waiting for ever.
    await proxy.hang()
    const ms = throwsUnavailable(() => s.getDoc('d'))
    expect(ms).toBeGreaterThanOrEqual(CALL_TIMEOUT_MS - 1000)
    expect(ms).toBeLessThan(CALL_TIMEOUT_MS + 2000)
    await proxy.up()
    // The first call after may still meet a connection the hang left behind; within a few calls it works.
    let doc = null
    for (let i = 0; i < 5 && doc === null; i++) {
      try { doc = s.getDoc('d') } catch (err) { expect(err).toBeInstanceOf(StorageUnavailableError) }
    }
    expect(doc).toMatchObject({ name: 'd' })
    const text = newYDoc()
    for (const u of s.load('d')!.updates) Y.applyUpdate(text, u)
    expect(text.getXmlFragment('prosemirror').toString()).toContain('refused while down')
    expect(s.verify().ok).toBe(true)
  })
})
