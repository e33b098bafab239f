import { afterEach, describe, expect, it } from 'vitest'
import { CloseCode } from '../../shared/protocol.ts'
import { DEFAULT_ROSTER } from '../../shared/roster.ts'
import { ROSTER_SETTING } from '../../server/roster.ts'
import type { RunningServer } from '../../server/index.ts'
import { DOC, cleanupDirs, start, tempDir, token } from './helpers.ts'
import { RawClient, appendPosition, positionsIn, block } from './trust-helpers.ts'
import { podium } from '../helpers/cli.ts'

afterEach(cleanupDirs)

function api(server: RunningServer, tok: string, method: string, path: string, body?: unknown, raw?: string): Promise<Response> {
  return fetch(`${server.url}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${tok}`, ...(body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body))
  })
}

async function refusal(res: Response): Promise<[number, string]> {
  return [res.status, ((await res.json()) as { error: string }).error]
}

describe('the roster edited from the meeting home', () => {
  it('adds, renames and recolours delegations; everyone reads the new roster; it survives a restart', async () => {
    const dataDir = tempDir()
    let server = await start({ dataDir })
    const sec = token(server, 'secretariat')
    const obs = token(server, 'observer')
    const before = await (await api(server, obs, 'GET', '/roster')).json()
    expect(before.roster.map((e: { code: string }) => e.code)).toEqual(DEFAULT_ROSTER.map((e) => e.code))

    const added = await api(server, sec, 'POST', '/roster', { code: 'KAZ', name: 'Kazakhstan', colour: '#00AFCA', aliases: ['КАЗ'] })
    expect(added.status).toBe(201)
    expect((await added.json()).entry).toEqual({ code: 'KAZ', name: 'Kazakhstan', colour: '#00afca', aliases: ['КАЗ'] })
    const renamed = await api(server, sec, 'PATCH', '/roster/RUS', { name: 'Russia', colour: '#123456' })
    expect(renamed.status).toBe(200)

    const after = await (await api(server, obs, 'GET', '/roster')).json()
    expect(after.revision).toBeGreaterThan(before.revision)
    expect(after.roster.at(-1)).toMatchObject({ code: 'KAZ', name: 'Kazakhstan' })
    expect(after.roster.find((e: { code: string }) => e.code === 'RUS')).toEqual({ code: 'RUS', name: 'Russia', colour: '#123456' })
    // /api/me (what an editor starts from) is live too.
    const me = await (await api(server, obs, 'GET', '/me')).json()
    expect(me.roster.find((e: { code: string }) => e.code === 'KAZ')).toEqual({ code: 'KAZ', name: 'Kazakhstan', colour: '#00afca', aliases: ['КАЗ'] })
    expect(me.roster).toEqual(after.roster)
    // A link for the new delegation can be issued at once.
    expect((await api(server, sec, 'POST', '/tokens', { role: 'delegation', delegation: 'KAZ' })).status).toBe(201)
    await server.close()

    server = await start({ dataDir })
    const again = await (await api(server, token(server, 'observer'), 'GET', '/roster')).json()
    expect(again.roster.find((e: { code: string }) => e.code === 'KAZ')).toMatchObject({ name: 'Kazakhstan', aliases: ['КАЗ'] })
    expect(again.roster.find((e: { code: string }) => e.code === 'RUS')).toMatchObject({ name: 'Russia' })
    await server.close()
  })

  it('refuses hostile and bad bodies in words, changing nothing', async () => {
    const server = await start()
    const sec = token(server, 'secretariat')
    const stored = () => server.storage.getSetting(ROSTER_SETTING)
    const cases: [unknown, number, RegExp][] = [
      [{ code: 'kaz', name: 'Kazakhstan', colour: '#00afca' }, 400, /not a delegation code/],
      [{ code: 'K', name: 'Kazakhstan', colour: '#00afca' }, 400, /not a delegation code/],
      [{ code: 'KAZ<script>', name: 'x', colour: '#00afca' }, 400, /not a delegation code/],
      [{ code: ['KAZ'], name: 'x', colour: '#00afca' }, 400, /not a delegation code/],
      [{ code: 'KAZ', name: '', colour: '#00afca' }, 400, /a name is needed/],
      [{ code: 'KAZ', name: 'K'.repeat(81), colour: '#00afca' }, 400, /at most 80/],
      [{ code: 'KAZ', name: 'Kaz\u202Ekhstan', colour: '#00afca' }, 400, /control or direction/],
      [{ code: 'KAZ', name: 'Kazakhstan', colour: 'red' }, 400, /#rrggbb/],
      [{ code: 'KAZ', name: 'Kazakhstan', colour: '#00afca;background:url(x)' }, 400, /#rrggbb/],
      [{ code: 'KAZ', name: 'Kazakhstan', colour: '#00afca', aliases: 'KZ' }, 400, /list/],
      [{ code: 'KAZ', name: 'Kazakhstan', colour: '#00afca', aliases: Array.from({ length: 11 }, (_, i) => `K${i}X`) }, 400, /at most 10 aliases/],
      [{ code: 'KAZ', name: 'Kazakhstan', colour: '#00afca', aliases: ['IND'] }, 409, /IND already names a delegation/],
      [{ code: 'KAZ', name: 'Kazakhstan', colour: '#00afca', aliases: ['kz', 'KZ'] }, 400, /given twice/],
      [{ code: 'IND', name: 'India again', colour: '#00afca' }, 409, /already on the roster/],
      [[], 400, /\{code, name, colour, aliases\}/],
      [null, 400, /\{code, name, colour, aliases\}/]
    ]
    for (const [body, status, words] of cases) {
      const [s, message] = await refusal(await api(server, sec, 'POST', '/roster', body))
      expect([s, message], JSON.stringify(body)).toEqual([status, expect.stringMatching(words)])
    }
    expect((await api(server, sec, 'POST', '/roster', undefined, '{"code":')).status).toBe(400)
    expect(await refusal(await api(server, sec, 'PATCH', '/roster/IND', { code: 'INDIA' }))).toEqual([400, expect.stringMatching(/code is not changed/)])
    expect(await refusal(await api(server, sec, 'PATCH', '/roster/IND', { aliases: ['CHN'] }))).toEqual([409, expect.stringMatching(/CHN already names/)])
    expect(await refusal(await api(server, sec, 'PATCH', '/roster/NOPE', { name: 'x' }))).toEqual([404, expect.stringMatching(/not on the roster/)])
    expect(await refusal(await api(server, sec, 'PATCH', '/roster/IND', 'India'))).toEqual([400, expect.stringMatching(/parts to change/)])
    // Only the secretariat edits it.
    for (const role of ['chair', 'delegation', 'observer']) {
      const tok = token(server, role, role === 'delegation' ? 'IND' : null)
      expect((await api(server, tok, 'POST', '/roster', { code: 'KAZ', name: 'Kazakhstan', colour: '#00afca' })).status).toBe(403)
      expect((await api(server, tok, 'PATCH', '/roster/IND', { name: 'x' })).status).toBe(403)
    }
    expect(stored()).toBeNull()
    expect(server.meeting.roster.map((e) => e.code)).toEqual(DEFAULT_ROSTER.map((e) => e.code))
    await server.close()
  })

  it('the trust rules use the live roster: a new delegation states its position at once; a code not on it is still refused', async () => {
    const server = await start()
    const sec = token(server, 'secretariat')
    // Before it is on the roster, a link for KAZ cannot even be issued, and nobody may write (+KAZ).
    expect((await api(server, sec, 'POST', '/tokens', { role: 'delegation', delegation: 'KAZ' })).status).toBe(400)
    const early = await RawClient.open(server, sec)
    early.change((doc) => appendPosition(doc, 'PP1.', { delegation: 'KAZ', stance: '+' }))
    expect(await early.closeCode()).toBe(CloseCode.refused)

    expect((await api(server, sec, 'POST', '/roster', { code: 'KAZ', name: 'Kazakhstan', colour: '#00afca' })).status).toBe(201)
    const issued = await (await api(server, sec, 'POST', '/tokens', { role: 'delegation', delegation: 'KAZ' })).json()
    const kaz = await RawClient.open(server, issued.token)
    kaz.change((doc) => appendPosition(doc, 'PP1.', { delegation: 'KAZ', stance: '+' }))
    await new Promise((r) => setTimeout(r, 300))
    expect(kaz.closedWith).toBeNull()
    expect(positionsIn(block(server.hub.rooms.get(DOC)!.ydoc, 'PP1.'))).toContain('(+KAZ)')
    // KAZ still may not speak for another delegation.
    kaz.change((doc) => appendPosition(doc, 'PP1.', { delegation: 'CHN', stance: '+' }))
    expect(await kaz.closeCode()).toBe(CloseCode.refused)
    await server.close()
  })

  it('podium token create knows the delegations added from the meeting home', { timeout: 60_000 }, async () => {
    const dataDir = tempDir()
    const server = await start({ dataDir })
    expect((await api(server, token(server, 'secretariat'), 'POST', '/roster', { code: 'KAZ', name: 'Kazakhstan', colour: '#00afca' })).status).toBe(201)
    await server.close()
    const made = podium(['token', 'create', '--role', 'delegation', '--delegation', 'KAZ', '--data', dataDir])
    expect([made.code, made.stderr]).toEqual([0, ''])
    expect(JSON.parse(made.stdout)).toMatchObject({ role: 'delegation', delegation: 'KAZ' })
    expect(podium(['token', 'create', '--role', 'delegation', '--delegation', 'UZB', '--data', dataDir]).code).toBe(2)
  })

  it('a stored roster edit that is unreadable is left out with a warning; the configured roster stands', async () => {
    const dataDir = tempDir()
    let server = await start({ dataDir })
    server.storage.setSetting(ROSTER_SETTING, '[{"code":"bad"}]')
    await server.close()
    server = await start({ dataDir })
    expect(server.meeting.roster.map((e) => e.code)).toEqual(DEFAULT_ROSTER.map((e) => e.code))
    await server.close()
  })
})
