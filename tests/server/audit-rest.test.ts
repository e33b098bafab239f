import { afterEach, describe, expect, it } from 'vitest'
import type { AuditEntry } from '../../server/storage/types.ts'
import { cleanupDirs, DOC, start, token } from './helpers.ts'
import { appendEdit } from './tamper-helpers.ts'

afterEach(cleanupDirs)

describe('GET /api/docs/<doc>/audit', () => {
  it('gives the secretariat and the chair accepted updates and refusals merged by time, with filters; others get 403', async () => {
    const server = await start()
    const s = server.storage
    appendEdit(s, 'IND', 'India types')
    await new Promise((r) => setTimeout(r, 5))
    const middle = new Date().toISOString()
    s.recordRefusal({ doc: DOC, tokenId: 'tok-CHN', role: 'delegation', delegation: 'CHN', at: new Date().toISOString(), rule: 'position-owner', reason: "Only India can withdraw India's position", bytes: 40 })
    appendEdit(s, 'CHN', 'China types')
    s.recordRefusal({ doc: DOC, tokenId: 'tok-IND', role: 'delegation', delegation: 'IND', at: new Date().toISOString(), rule: 'agreed-locked', reason: 'PP2 is agreed ad ref', bytes: 12 })
    const get = async (tok: string, query = '') => {
      const res = await fetch(`${server.url}/api/docs/${DOC}/audit${query}`, { headers: { authorization: `Bearer ${tok}` } })
      return { status: res.status, body: await res.json() }
    }
    const sec = token(server, 'secretariat')
    const all = await get(sec)
    expect(all.status).toBe(200)
    const entries = all.body as AuditEntry[]
    expect(entries.map((e) => [e.kind, e.role === 'server' ? 'server' : e.delegation, e.rule])).toEqual([
      ['accepted', 'server', null], ['accepted', 'IND', null], ['refused', 'CHN', 'position-owner'], ['accepted', 'CHN', null], ['refused', 'IND', 'agreed-locked']
    ])
    expect(entries[2]).toMatchObject({ reason: "Only India can withdraw India's position", bytes: 40, updateId: null })
    expect(entries[1]).toMatchObject({ identity: 'delegation:IND', updateId: expect.any(Number), clientIds: [expect.any(Number)] })
    expect([...entries].sort((a, b) => a.at.localeCompare(b.at))).toEqual(entries)

    const chair = token(server, 'chair')
    expect((await get(chair, '?delegation=IND')).body.map((e: AuditEntry) => e.kind)).toEqual(['accepted', 'refused'])
    expect((await get(chair, `?since=${encodeURIComponent(middle)}`)).body.map((e: AuditEntry) => e.delegation)).toEqual(['CHN', 'CHN', 'IND'])
    expect((await get(chair, '?limit=2')).body.map((e: AuditEntry) => e.delegation)).toEqual(['CHN', 'IND'])

    for (const who of [token(server, 'observer'), token(server, 'delegation', 'IND')]) {
      expect((await get(who)).status).toBe(403)
    }
    expect(await get(sec, '?since=yesterday')).toEqual({ status: 400, body: { error: 'since "yesterday" is not an ISO date or time' } })
    expect((await get(sec, '?limit=0')).status).toBe(400)
    expect((await fetch(`${server.url}/api/docs/nope/audit`, { headers: { authorization: `Bearer ${sec}` } })).status).toBe(404)
    await server.close()
  })
})
