import { afterEach, describe, expect, it } from 'vitest'
import { IntegrityError } from '../../server/storage/chain.ts'
import { podium } from '../helpers/cli.ts'
import { cleanupDirs, DOC, start } from './helpers.ts'
import { buildHistory, tamper } from './tamper-helpers.ts'

afterEach(cleanupDirs)

describe('a server on a broken chain', () => {
  it('refuses to start naming the broken link, starts with allowBrokenChain, and podium serve says it in one line, exit 2', async () => {
    const { dir, pending } = buildHistory()
    tamper(dir, (db) => db.prepare("UPDATE updates SET data = x'00' WHERE id = ?").run(pending[1]))
    const err = await start({ dataDir: dir }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(IntegrityError)
    expect((err as Error).message).toBe(`broken chain: ${DOC}: update ${pending[1]} does not match its hash (changed after it was written); run "podium verify" for the full report, or start with --allow-broken`)

    const server = await start({ dataDir: dir, allowBrokenChain: true })
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    await server.close()

    const r = podium(['serve', '--data', dir, '--port', '0'])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(`podium serve: broken chain: ${DOC}: update ${pending[1]} does not match its hash (changed after it was written); run "podium verify" for the full report, or start with --allow-broken\n`)
  })

  it('recreates a dropped trigger with a warning, and podium verify reports it afterwards', async () => {
    const { dir } = buildHistory()
    tamper(dir, (db) => db.exec('DROP TRIGGER audit_no_delete'))
    const server = await start({ dataDir: dir })
    const warning = 'trigger audit_no_delete was missing (dropped: audit could be changed without the database refusing); it has been recreated'
    expect((server.storage as unknown as { openWarnings: string[] }).openWarnings).toEqual([warning])
    await server.close()
    const r = podium(['verify', '--data', dir])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(new RegExp(`^warning: \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z: ${warning.replace(/[()]/g, '\\$&')}$`, 'm'))
  })
})
