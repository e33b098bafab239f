import { afterEach, describe, expect, it } from 'vitest'
import { podium } from '../helpers/cli.ts'
import { cleanupDirs, DOC, start, tempDir, token } from './helpers.ts'
import { appendEdit } from './tamper-helpers.ts'

afterEach(cleanupDirs)

describe('podium verify after a server ran', () => {
  it('a server that took edits, compacted, snapshotted and restarted leaves a database that verifies (exit 0)', async () => {
    const dataDir = tempDir()
    let server = await start({ dataDir, compactIdleMs: 50 })
    const sec = token(server, 'secretariat')
    const call = (method: string, path: string, body?: unknown) => fetch(`${server.url}/api${path}`, {
      method, headers: { authorization: `Bearer ${sec}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body)
    })
    expect((await call('POST', `/docs/${DOC}/snapshots`, { label: 'Morning' })).status).toBe(201)
    expect((await call('POST', `/docs/${DOC}/replace`, { text: 'PP1. [Agreed (+IND)] text (-CHN)\n\nOP1. Second paragraph.' })).status).toBe(200)
    appendEdit(server.storage, 'IND', 'typed by India')
    server.storage.compact(DOC)
    appendEdit(server.storage, 'CHN', 'typed by China')
    expect((await call('POST', `/docs/${DOC}/snapshots`, { label: 'Evening' })).status).toBe(201)
    server.storage.recordRefusal({ doc: DOC, tokenId: null, role: 'delegation', delegation: 'CHN', at: new Date().toISOString(), rule: 'agreed-locked', reason: 'PP1 is agreed ad ref', bytes: 9 })
    await server.close()
    server = await start({ dataDir })
    appendEdit(server.storage, 'IND', 'after the restart')
    await server.close()

    const r = podium(['verify', '--data', dataDir])
    expect(r.stderr).toBe('')
    expect(r.stdout).toMatch(/^intact: \d+ updates, 1 compacted states, 3 snapshots, \d+ audit rows, 1 refusals checked$/m)
    expect(r.code).toBe(0)
  })
})
