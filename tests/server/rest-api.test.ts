import { afterEach, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { normalisePodiumText } from '../../shared/format/index.ts'
import { DEFAULT_ROSTER } from '../../shared/roster.ts'
import { cleanupDirs, connect, destroyAll, start, synced, token, waitFor } from './helpers.ts'
import type { RunningServer } from '../../server/index.ts'

afterEach(cleanupDirs)

function api(server: RunningServer, tok: string | null, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${server.url}/api${path}`, {
    method,
    headers: { ...(tok ? { authorization: `Bearer ${tok}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
}

describe('the REST API', () => {
  it('authenticates every call: 401 without or with a bad token, 403 for a role not allowed', async () => {
    const server = await start()
    expect((await api(server, null, 'GET', '/me')).status).toBe(401)
    const bad = await api(server, 'nope', 'GET', '/docs')
    expect(bad.status).toBe(401)
    expect(await bad.json()).toHaveProperty('error')
    const ind = token(server, 'delegation', 'IND')
    expect((await api(server, ind, 'GET', '/tokens')).status).toBe(403)
    expect((await api(server, ind, 'POST', '/docs', { name: 'x' })).status).toBe(403)
    expect((await api(server, token(server, 'chair'), 'PATCH', '/docs/astana-statement', { title: 'x' })).status).toBe(403)
    expect((await api(server, ind, 'GET', '/nothing')).status).toBe(404)
    expect((await api(server, ind, 'PUT', '/docs')).status).toBe(405)
    await server.close()
  })

  it('GET /api/me gives the role, delegation, meeting and roster', async () => {
    const server = await start()
    const res = await api(server, token(server, 'delegation', 'IND'), 'GET', '/me')
    expect(res.status).toBe(200)
    const me = await res.json()
    expect(me).toMatchObject({ role: 'delegation', delegation: 'IND', label: null, meeting: { timeZone: 'Asia/Almaty', cobTime: '18:00' } })
    expect(typeof me.meeting.name).toBe('string')
    expect(typeof me.meeting.dates).toBe('string')
    expect(me.roster).toEqual(DEFAULT_ROSTER.map(({ code, name, colour }) => ({ code, name, colour })))
    await server.close()
  })

  it('lists documents with counts, last change and who is connected', async () => {
    const server = await start()
    const ind = token(server, 'delegation', 'IND')
    const p = connect(server, ind)
    await synced(p)
    const docs = await (await api(server, ind, 'GET', '/docs')).json()
    expect(docs).toHaveLength(1)
    expect(docs[0]).toMatchObject({ name: 'astana-statement', title: 'Draft Astana Statement on CICA Transformation', connected: [{ role: 'delegation', delegation: 'IND' }] })
    expect(docs[0].paragraphs).toBeGreaterThan(10)
    expect(docs[0].open).toBeGreaterThan(0)
    expect(docs[0].brackets).toBeGreaterThan(0)
    expect(new Date(docs[0].lastChange).toString()).not.toBe('Invalid Date')
    expect(new Date(docs[0].createdAt).toString()).not.toBe('Invalid Date')
    destroyAll(p)
    await server.close()
  })

  it('creates (201, 409, 400), renames and reads documents as podium text', async () => {
    const server = await start()
    const sec = token(server, 'secretariat')
    const text = 'PP1. [Recalling (+IND)] the [[Charter]] (-CHN) (IND: keep original)\n\nOP2. Agreed text.\n'
    const created = await api(server, sec, 'POST', '/docs', { name: 'draft-2', title: 'Second draft', text, visibility: 'public' })
    expect(created.status).toBe(201)
    expect(await created.json()).toMatchObject({ name: 'draft-2', title: 'Second draft' })
    expect((await api(server, sec, 'POST', '/docs', { name: 'draft-2' })).status).toBe(409)
    expect((await api(server, sec, 'POST', '/docs', { name: 'bad name' })).status).toBe(400)
    expect((await api(server, sec, 'POST', '/docs', { name: 'ok', text: 42 })).status).toBe(400)
    const blank = await api(server, sec, 'POST', '/docs', { name: 'blank' })
    expect(await blank.json()).toMatchObject({ name: 'blank', title: 'blank' })

    const observer = token(server, 'observer')
    const read = await api(server, observer, 'GET', '/docs/draft-2/text')
    expect(read.status).toBe(200)
    expect(read.headers.get('content-type')).toContain('text/plain')
    expect(await read.text()).toBe(normalisePodiumText(text))
    expect((await api(server, observer, 'GET', '/docs/missing/text')).status).toBe(404)

    const renamed = await api(server, sec, 'PATCH', '/docs/draft-2', { title: 'Renamed' })
    expect(await renamed.json()).toEqual({ name: 'draft-2', title: 'Renamed', visibility: 'public', archivedAt: null, header: null })
    expect((await api(server, sec, 'PATCH', '/docs/draft-2', { title: '' })).status).toBe(400)
    expect((await api(server, sec, 'PATCH', '/docs/missing', { title: 'x' })).status).toBe(404)
    const names = (await (await api(server, observer, 'GET', '/docs')).json()).map((d: { name: string; title: string }) => `${d.name}:${d.title}`)
    // `blank` was created without a visibility: the secretariat's draft, not listed for an observer.
    expect(names).toEqual(['astana-statement:Draft Astana Statement on CICA Transformation', 'draft-2:Renamed'])
    await server.close()
  })

  it('reads the live text of a loaded document, the demo equal to its fixture', async () => {
    const server = await start()
    const sec = token(server, 'secretariat')
    const fixture = readFileSync('fixtures/astana-statement.txt', 'utf8')
    expect(await (await api(server, sec, 'GET', '/docs/astana-statement/text')).text()).toBe(normalisePodiumText(fixture))
    const p = connect(server, sec)
    await synced(p)
    const para = p.doc.getXmlFragment('prosemirror').get(0) as unknown as { get(i: number): { insert(i: number, s: string): void } }
    para.get(0).insert(0, 'LIVE ')
    await waitFor(() => server.storage.audit('astana-statement').length >= 2, 'edit stored')
    expect(await (await api(server, sec, 'GET', '/docs/astana-statement/text')).text()).toMatch(/^LIVE /)
    destroyAll(p)
    await server.close()
  })

  it('lists, creates and revokes tokens without ever returning a secret or hash', async () => {
    const server = await start()
    const sec = token(server, 'secretariat')
    const created = await api(server, sec, 'POST', '/tokens', { role: 'delegation', delegation: 'TUR', label: 'Türkiye delegate' })
    expect(created.status).toBe(201)
    const body = await created.json()
    expect(body).toMatchObject({ role: 'delegation', delegation: 'TUR' })
    expect(body.link).toBe(`/d/astana-statement?token=${encodeURIComponent(body.token)}`)
    expect((await api(server, body.token, 'GET', '/me')).status).toBe(200)
    expect((await api(server, sec, 'POST', '/tokens', { role: 'delegation', delegation: 'XX' })).status).toBe(400)
    expect((await api(server, sec, 'POST', '/tokens', { role: 'king' })).status).toBe(400)
    expect((await api(server, sec, 'POST', '/tokens', { role: 'observer', delegation: 'IND' })).status).toBe(400)
    const forDoc = await (await api(server, sec, 'POST', '/tokens', { role: 'observer', doc: 'other' })).json()
    expect(forDoc.link).toMatch(/^\/d\/other\?token=/)

    const listText = await (await api(server, sec, 'GET', '/tokens')).text()
    expect(listText).not.toContain(body.token)
    expect(listText).not.toMatch(/[0-9a-f]{64}/)
    const list = JSON.parse(listText)
    expect(list.find((t: { id: string }) => t.id === body.id)).toMatchObject({ role: 'delegation', delegation: 'TUR', label: 'Türkiye delegate', revoked: false })
    expect((await api(server, sec, 'DELETE', `/tokens/${body.id}`)).status).toBe(204)
    expect((await api(server, sec, 'DELETE', '/tokens/nope')).status).toBe(404)
    expect((await api(server, body.token, 'GET', '/me')).status).toBe(401)
    const after = await (await api(server, sec, 'GET', '/tokens')).json()
    expect(after.find((t: { id: string }) => t.id === body.id).revoked).toBe(true)
    await server.close()
  })

  it('refuses a malformed or oversize JSON body with 400/413', async () => {
    const server = await start({ limits: { maxBodyBytes: 1000 } })
    const sec = token(server, 'secretariat')
    const res = await fetch(`${server.url}/api/docs`, { method: 'POST', headers: { authorization: `Bearer ${sec}` }, body: '{nope' })
    expect(res.status).toBe(400)
    expect((await api(server, sec, 'POST', '/docs', { name: 'big', text: 'x'.repeat(2000) })).status).toBe(413)
    await server.close()
  })
})
