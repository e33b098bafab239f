// The command line on a PostgreSQL meeting: token create/list/revoke with --postgres (and
// PODIUM_POSTGRES_URL), podium migrate from an embedded meeting (then verify, export and audit
// give the same answers on both), a second migrate refused in one line, verify naming a dropped
// trigger. Real processes, the machine's PostgreSQL, a schema per test.

import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { TEST_POSTGRES_URL, withPostgresSchema, type PostgresSchema } from '../helpers/postgres.ts'
import { addParagraph, connect, destroyAll, start, synced, token, waitFor, content } from '../server/helpers.ts'
import { appendEdit } from '../server/tamper-helpers.ts'
import { DB_FILE, openSqliteStorage } from '../../server/storage/sqlite.ts'

const run = promisify(execFile)
let schema: PostgresSchema | null = null
const dirs: string[] = []
afterEach(async () => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  await schema?.cleanup()
  schema = null
})

async function podium (args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/podium.js', ...args], { env: { ...process.env, PODIUM_LOG_LEVEL: 'silent', PODIUM_POSTGRES_URL: '', ...env }, timeout: 90_000, maxBuffer: 64 * 1024 * 1024 })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

describe('podium on PostgreSQL', () => {
  it('creates, lists and revokes tokens with --postgres or PODIUM_POSTGRES_URL', { timeout: 180_000 }, async () => {
    schema = await withPostgresSchema()
    const created = await podium(['token', 'create', '--role', 'delegation', '--delegation', 'IND', '--postgres', schema.url])
    expect(created.stderr).toBe('')
    expect(created.code).toBe(0)
    const out = JSON.parse(created.stdout)
    expect(out).toMatchObject({ role: 'delegation', delegation: 'IND' })
    const list = await podium(['token', 'list'], { PODIUM_POSTGRES_URL: schema.url })
    expect(list.code).toBe(0)
    const rows = list.stdout.trim().split('\n').map((l) => JSON.parse(l))
    expect(rows.map((r) => [r.role, r.delegation, r.revoked])).toEqual([['delegation', 'IND', false]])
    const revoked = await podium(['token', 'revoke', out.token, '--postgres', schema.url])
    expect(JSON.parse(revoked.stdout)).toMatchObject({ revoked: true, already: false })
    const both = await podium(['token', 'list', '--postgres', schema.url, '--data', '/tmp/x'])
    expect(both.code).toBe(2)
    expect(both.stderr.trim().split('\n')).toHaveLength(1)
    const bad = await podium(['token', 'list', '--postgres', 'postgres://postgres@127.0.0.1:1/test'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/^podium token: PostgreSQL at .* is unavailable/)
    expect(bad.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('migrates an embedded meeting, which then verifies and reads the same; a second migrate is refused', { timeout: 300_000 }, async () => {
    const data = mkdtempSync(join(tmpdir(), 'podium-migrate-'))
    dirs.push(data)
    // An embedded meeting with edits, a compaction, a snapshot and a refusal.
    const server = await start({ dataDir: data, compactEvery: 5 })
    const ind = token(server, 'delegation', 'IND')
    const a = connect(server, ind)
    await synced(a)
    for (let i = 0; i < 12; i++) addParagraph(a.doc, `India speaks ${i}`)
    await waitFor(() => content(server.hub.rooms.get('astana-statement')!.ydoc) === content(a.doc), 'the server has the edits')
    server.storage.recordRefusal({ doc: 'astana-statement', tokenId: null, role: 'observer', delegation: null, at: new Date().toISOString(), rule: 'read-only', reason: 'Observers cannot edit', bytes: 4 })
    destroyAll(a)
    await server.close()
    const snap = await podium(['snapshot', 'astana-statement', '--label', 'Before migrating', '--data', data])
    expect(snap.code).toBe(0)
    // A paragraph of 1.2 MB: the next snapshot is stored in pieces (snapshot_parts), which the copy reassembles.
    const local = openSqliteStorage(data)
    appendEdit(local, 'IND', 'x'.repeat(1_200_000))
    local.close()
    expect((await podium(['snapshot', 'astana-statement', '--label', 'Large', '--data', data])).code).toBe(0)
    const pieced = new Database(join(data, DB_FILE), { readonly: true })
    const large = pieced.prepare<[], { id: number; parts: number | null }>("SELECT id, parts FROM snapshots WHERE label = 'Large'").get()!
    pieced.close()
    expect(large.parts).not.toBeNull()

    schema = await withPostgresSchema()
    const migrated = await podium(['migrate', '--from', data, '--to', schema.url])
    expect(migrated.stderr).toBe('')
    expect(migrated.code).toBe(0)
    expect(migrated.stdout).toMatch(/checked: 1 documents with the same text and chain heads/)

    const verified = await podium(['verify', '--postgres', schema.url])
    expect(verified.code).toBe(0)
    expect(verified.stdout).toMatch(/^intact: /m)
    const embedded = await podium(['verify', '--data', data])
    expect(verified.stdout.split('\n').filter((l) => l.startsWith('astana-statement'))).toEqual(embedded.stdout.split('\n').filter((l) => l.startsWith('astana-statement')))

    for (const args of [['export', 'astana-statement', '--format', 'text'], ['export', 'astana-statement', '--format', 'text', '--snapshot', String(large.id)], ['audit', 'astana-statement'], ['snapshots', 'astana-statement', '--json'], ['token', 'list']]) {
      const here = await podium([...args, '--data', data])
      const there = await podium([...args, '--postgres', schema.url])
      expect(there.code, args.join(' ')).toBe(0)
      expect(there.stdout, args.join(' ')).toBe(here.stdout)
    }

    const again = await podium(['migrate', '--from', data, '--to', schema.url])
    expect(again.code).toBe(2)
    expect(again.stderr.trim().split('\n')).toHaveLength(1)
    expect(again.stderr).toMatch(/already holds a meeting/)

    // Tamper evidence travels: a dropped trigger is named by verify (and not quietly recreated by it).
    const c = new pg.Client({ connectionString: TEST_POSTGRES_URL })
    await c.connect()
    await c.query(`DROP TRIGGER snapshots_no_update ON "${schema.schema}".snapshots`)
    await c.end()
    const broken = await podium(['verify', '--postgres', schema.url])
    expect(broken.code).toBe(1)
    expect(broken.stdout).toMatch(/trigger snapshots_no_update is missing/)
  })
})
