// Expiring tokens: `--expires 8h|ISO` (CLI) and `expires` (REST); refused once expired (4401 / 401),
// and open connections closed when the token expires.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openSqliteStorage } from '../../server/storage/sqlite.ts'
import { authenticate, createToken, parseExpiry } from '../../server/tokens.ts'
import { CloseCode } from '../../shared/protocol.ts'
import { cleanupDirs, closed, connect, destroyAll, opened, rawSocket, start, synced, tempDir, token } from './helpers.ts'

afterEach(cleanupDirs)

const run = promisify(execFile)

async function podium(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/podium.js', ...args], { env: { ...process.env, PODIUM_LOG_LEVEL: 'silent' } })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

describe('token expiry', () => {
  it('parses durations and ISO times, refusing the past and anything else', () => {
    const now = Date.parse('2026-12-05T10:00:00Z')
    expect(parseExpiry('8h', now)).toBe('2026-12-05T18:00:00.000Z')
    expect(parseExpiry('30m', now)).toBe('2026-12-05T10:30:00.000Z')
    expect(parseExpiry('2d', now)).toBe('2026-12-07T10:00:00.000Z')
    expect(parseExpiry('2026-12-05T18:00Z', now)).toBe('2026-12-05T18:00:00.000Z')
    expect(parseExpiry('2026-12-05T18:00:00+05:00', now)).toBe('2026-12-05T13:00:00.000Z')
    for (const bad of ['2026-12-05T09:00Z', '0s', 'tomorrow', '8 hours', '2026-12-05', '2026-12-05T18:00', 8]) {
      expect(() => parseExpiry(bad, now), String(bad)).toThrow(RangeError)
    }
  })

  it('an expired token is refused on the socket (4401) and over REST (401), and open connections close when it expires', async () => {
    const server = await start()
    const { token: tok } = createToken(server.storage, { role: 'chair', expires: '2s' }, server.meeting.roster)
    const p = connect(server, tok)
    await synced(p)
    const closes: number[] = []
    p.on('connection-close', (e: { code: number } | null) => { if (e) closes.push(e.code) })
    const me = await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${tok}` } })
    expect(me.status).toBe(200)
    const expiresAt = Date.parse(server.storage.listTokens().at(-1)!.expiresAt!)
    while (closes.length === 0) await new Promise((r) => setTimeout(r, 20))
    expect(closes[0]).toBe(CloseCode.unauthorized)
    expect(Date.now() - expiresAt).toBeLessThan(1000)
    const again = await closed(rawSocket(server, tok))
    expect(again.code).toBe(CloseCode.unauthorized)
    expect((await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${tok}` } })).status).toBe(401)
    // Tokens without expiry are untouched.
    const other = rawSocket(server, token(server, 'observer'))
    await opened(other)
    other.close()
    destroyAll(p)
    await server.close()
  })

  it('REST token creation takes `expires` and refuses a bad one', async () => {
    const server = await start()
    const sec = token(server, 'secretariat')
    const post = (body: unknown) => fetch(`${server.url}/api/tokens`, { method: 'POST', headers: { authorization: `Bearer ${sec}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
    const made = await post({ role: 'observer', expires: '8h' })
    expect(made.status).toBe(201)
    const body = await made.json() as { expiresAt: string }
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(8 * 3600_000 - 60_000)
    const bad = await post({ role: 'observer', expires: 'yesterday' })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: string }).error).toContain('expires')
    const list = await (await fetch(`${server.url}/api/tokens`, { headers: { authorization: `Bearer ${sec}` } })).json() as { expiresAt: string | null }[]
    expect(list.filter((t) => t.expiresAt !== null)).toHaveLength(1)
    await server.close()
  })

  it('podium token create --expires stores the expiry; a bad one exits 2', async () => {
    const data = tempDir()
    const made = await podium('token', 'create', '--role', 'observer', '--expires', '2099-01-01T00:00Z', '--data', data)
    expect(made.code).toBe(0)
    const out = JSON.parse(made.stdout) as { token: string; expiresAt: string }
    expect(out.expiresAt).toBe('2099-01-01T00:00:00.000Z')
    const bad = await podium('token', 'create', '--role', 'observer', '--expires', '2001-01-01T00:00Z', '--data', data)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('not in the future')
    const storage = openSqliteStorage(data)
    expect(authenticate(storage, out.token)?.expiresAt).toBe('2099-01-01T00:00:00.000Z')
    expect(authenticate(storage, out.token)?.doc).toBeNull()
    storage.close()
  })

  it('a database made before expiry existed gets the column on open, its tokens intact', () => {
    const data = tempDir()
    const storage = openSqliteStorage(data)
    const { token: tok } = createToken(storage, { role: 'chair' }, [])
    storage.close()
    const db = new Database(join(data, 'podium.db'))
    db.exec('ALTER TABLE tokens DROP COLUMN expires_at')
    db.close()
    const again = openSqliteStorage(data)
    expect(authenticate(again, tok)?.role).toBe('chair')
    expect(again.setTokenExpiry(again.listTokens()[0].id, '2099-01-01T00:00:00.000Z')).toBe(true)
    expect(authenticate(again, tok)?.expiresAt).toBe('2099-01-01T00:00:00.000Z')
    again.close()
  })
})
