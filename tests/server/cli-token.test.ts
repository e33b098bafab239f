import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { openSqliteStorage } from '../../server/storage/sqlite.ts'
import { authenticate } from '../../server/tokens.ts'
import { cleanupDirs, tempDir } from './helpers.ts'

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

describe('podium token', () => {
  it('creates (one JSON line), lists and revokes tokens, stored hashed', async () => {
    const data = tempDir()
    const created = await podium('token', 'create', '--role', 'delegation', '--delegation', 'IND', '--label', 'Indian delegate', '--data', data)
    expect(created.code).toBe(0)
    const lines = created.stdout.trim().split('\n')
    expect(lines).toHaveLength(1)
    const out = JSON.parse(lines[0])
    expect(Object.keys(out)).toEqual(['token', 'role', 'delegation', 'link'])
    expect(out).toMatchObject({ role: 'delegation', delegation: 'IND', link: `/d/astana-statement?token=${encodeURIComponent(out.token)}` })

    const obs = JSON.parse((await podium('token', 'create', '--role', 'observer', '--doc', 'other', '--data', data)).stdout)
    expect(obs.delegation).toBeNull()
    expect(obs.link).toMatch(/^\/d\/other\?token=/)

    const list = await podium('token', 'list', '--data', data)
    expect(list.stdout).not.toContain(out.token)
    const rows = list.stdout.trim().split('\n').map((l) => JSON.parse(l))
    expect(rows.map((r) => [r.role, r.delegation, r.label, r.revoked])).toEqual([['delegation', 'IND', 'Indian delegate', false], ['observer', null, null, false]])

    const storage = openSqliteStorage(data)
    expect(authenticate(storage, out.token)?.delegation).toBe('IND')
    storage.close()

    const revoked = await podium('token', 'revoke', out.token, '--data', data)
    expect(revoked.code).toBe(0)
    expect(JSON.parse(revoked.stdout)).toMatchObject({ id: rows[0].id, revoked: true })
    expect(JSON.parse((await podium('token', 'revoke', rows[1].id, '--data', data)).stdout).revoked).toBe(true)
    const again = openSqliteStorage(data)
    expect(authenticate(again, out.token)).toBeNull()
    again.close()
  })

  it('exits 2 with one line for bad input', async () => {
    const data = tempDir()
    const cases = [
      ['token', 'create', '--data', data],
      ['token', 'create', '--role', 'king', '--data', data],
      ['token', 'create', '--role', 'delegation', '--delegation', 'ATLANTIS', '--data', data],
      ['token', 'create', '--role', 'chair', '--delegation', 'IND', '--data', data],
      ['token', 'revoke', 'no-such-token', '--data', data],
      ['token', 'frobnicate'],
      ['serve', '--port', 'eighty'],
      ['serve', '--config', 'missing.json']
    ]
    const results = await Promise.all(cases.map((args) => podium(...args)))
    for (const [i, r] of results.entries()) {
      const args = cases[i]
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1)
    }
  })
})
