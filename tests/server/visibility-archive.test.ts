import { afterEach, describe, expect, it } from 'vitest'
import { CloseCode } from '../../shared/protocol.ts'
import type { RunningServer } from '../../server/index.ts'
import { DOC, cleanupDirs, closed, content, opened, rawSocket, start, token, waitFor } from './helpers.ts'
import { RawClient, appendPosition } from './trust-helpers.ts'

afterEach(cleanupDirs)

function api(server: RunningServer, tok: string, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${server.url}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${tok}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
}

const ROUTES = ['', '/text', '/snapshots', '/export?format=text', '/compare?from=latest&to=live', '/audit']

describe('document visibility', () => {
  it('a new document is the secretariat\'s until released; a draft leaks to nobody over REST or sync', async () => {
    const server = await start()
    const sec = token(server, 'secretariat')
    const chair = token(server, 'chair')
    const ind = token(server, 'delegation', 'IND')
    const obs = token(server, 'observer')
    const made = await api(server, sec, 'POST', '/docs', { name: 'draft', text: 'PP1. Text.' })
    expect(made.status).toBe(201)
    expect((await made.json()).visibility).toBe('secretariat')
    await api(server, sec, 'POST', '/docs/draft/snapshots', { label: 'first' })
    const names = async (tok: string) => ((await (await api(server, tok, 'GET', '/docs')).json()) as { name: string }[]).map((d) => d.name)
    expect(await names(sec)).toContain('draft')
    expect(await names(chair)).toContain('draft')
    expect(await names(ind)).not.toContain('draft')
    expect(await names(obs)).not.toContain('draft')
    // Every route on it answers a delegation exactly as for a document that does not exist.
    for (const route of ROUTES.filter((r) => r !== '' && r !== '/audit')) {
      const hidden = await api(server, ind, 'GET', `/docs/draft${route}`)
      const missing = await api(server, ind, 'GET', `/docs/nothing-here${route}`)
      expect([hidden.status, (await hidden.json()).error], route).toEqual([404, 'no document named draft'])
      expect(missing.status, route).toBe(404)
    }
    expect((await api(server, chair, 'GET', '/docs/draft/text')).status).toBe(200)
    // Sync: 4404 as if missing, for a delegation and an observer; the chair opens it.
    for (const tok of [ind, obs]) expect(await closed(rawSocket(server, tok, 'draft'))).toEqual({ code: CloseCode.notFound, reason: 'no document named draft' })
    const c = await RawClient.open(server, chair, 'draft')
    expect(c.closedWith).toBeNull()
    c.close()

    // Released to delegations: IND opens it; an observer is refused in words (403/4403), it is not listed for them.
    expect((await api(server, sec, 'PATCH', '/docs/draft', { visibility: 'delegations' })).status).toBe(200)
    expect(await names(ind)).toContain('draft')
    expect(await names(obs)).not.toContain('draft')
    expect((await api(server, ind, 'GET', '/docs/draft/text')).status).toBe(200)
    const refused = await api(server, obs, 'GET', '/docs/draft/text')
    expect([refused.status, (await refused.json()).error]).toEqual([403, expect.stringMatching(/not released to observers/)])
    expect((await closed(rawSocket(server, obs, 'draft'))).code).toBe(CloseCode.forbidden)
    await server.close()
  })

  it('narrowing closes the sockets of roles that may no longer open it, at once and in words', async () => {
    const server = await start()
    const sec = token(server, 'secretariat')
    const ind = await RawClient.open(server, token(server, 'delegation', 'IND'))
    const obs = await RawClient.open(server, token(server, 'observer'))
    const chair = await RawClient.open(server, token(server, 'chair'))
    expect((await api(server, sec, 'PATCH', `/docs/${DOC}`, { visibility: 'delegations' })).status).toBe(200)
    expect(await obs.closeCode()).toBe(CloseCode.forbidden)
    expect(obs.closedWith!.reason).toMatch(/withdrawn .* from observers/)
    await new Promise((r) => setTimeout(r, 100))
    expect(ind.closedWith).toBeNull()
    expect((await api(server, sec, 'PATCH', `/docs/${DOC}`, { visibility: 'secretariat' })).status).toBe(200)
    expect(await ind.closeCode()).toBe(CloseCode.forbidden)
    expect(ind.closedWith!.reason).toMatch(/withdrawn .* from delegations/)
    expect(chair.closedWith).toBeNull()
    chair.close()
    await server.close()
  })

  it('refuses hostile meta changes in words, changing nothing', async () => {
    const server = await start()
    const sec = token(server, 'secretariat')
    for (const body of [{ visibility: 'everyone' }, { visibility: ['public'] }, { archived: 'yes' }, { archived: 1 }, {}, [], { title: '' }]) {
      const res = await api(server, sec, 'PATCH', `/docs/${DOC}`, body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(typeof (await res.json()).error).toBe('string')
    }
    expect((await api(server, sec, 'POST', '/docs', { name: 'x1', visibility: 'all' })).status).toBe(400)
    expect(server.storage.getDoc('x1')).toBeNull()
    for (const role of ['chair', 'delegation', 'observer']) {
      expect((await api(server, token(server, role, role === 'delegation' ? 'IND' : null), 'PATCH', `/docs/${DOC}`, { visibility: 'public', archived: true })).status).toBe(403)
    }
    expect(server.storage.getDoc(DOC)).toMatchObject({ visibility: 'public', archivedAt: null })
    await server.close()
  })
})

describe('archiving', () => {
  it('an archived document is read only for everyone (sync and REST), still exported, and unarchives', async () => {
    const server = await start()
    const sec = token(server, 'secretariat')
    const ind = token(server, 'delegation', 'IND')
    const editor = await RawClient.open(server, ind)
    const reader = await RawClient.open(server, token(server, 'observer'))
    const res = await api(server, sec, 'PATCH', `/docs/${DOC}`, { archived: true })
    expect(res.status).toBe(200)
    expect((await res.json()).archivedAt).toEqual(expect.any(String))
    // Editors are closed in words (their screens turn read only); a reader stays.
    expect(await editor.closeCode()).toBe(CloseCode.forbidden)
    expect(editor.closedWith!.reason).toMatch(/archived/)
    expect(reader.closedWith).toBeNull()

    // A hand-made change on a new connection is refused in words, by the secretariat too; nothing changes.
    const before = content(server.hub.rooms.get(DOC)!.ydoc)
    for (const tok of [ind, sec]) {
      const c = await RawClient.open(server, tok)
      c.change((doc) => appendPosition(doc, 'PP1.', { delegation: 'IND', stance: '+' }))
      await waitFor(() => c.denied.length > 0, 'the refusal')
      expect(JSON.parse(c.denied[0])).toEqual({ rule: 'archived', reason: `${DOC} is archived: it is read only for everyone` })
      c.close()
    }
    expect(content(server.hub.rooms.get(DOC)!.ydoc)).toBe(before)
    expect(server.storage.refusals(DOC).some((r) => r.rule === 'archived')).toBe(true)

    // REST writes of the text are refused; reads and exports work.
    const restore = await api(server, sec, 'POST', `/docs/${DOC}/restore`, { snapshot: 1 })
    expect([restore.status, (await restore.json()).error]).toEqual([409, expect.stringMatching(/archived and read only/)])
    expect((await api(server, sec, 'POST', `/docs/${DOC}/replace`, { text: 'PP1. Gone.' })).status).toBe(409)
    expect((await api(server, ind, 'GET', `/docs/${DOC}/export?format=text`)).status).toBe(200)
    const listed = ((await (await api(server, ind, 'GET', '/docs')).json()) as { name: string; archivedAt: string | null }[]).find((d) => d.name === DOC)
    expect(listed?.archivedAt).toEqual(expect.any(String))

    // Unarchived: changes are taken again.
    expect((await api(server, sec, 'PATCH', `/docs/${DOC}`, { archived: false })).status).toBe(200)
    const again = await RawClient.open(server, ind)
    again.change((doc) => appendPosition(doc, 'PP1.', { delegation: 'IND', stance: '+' }))
    await waitFor(() => content(server.hub.rooms.get(DOC)!.ydoc) !== before, 'the change to be taken')
    expect(again.denied).toEqual([])
    again.close()
    reader.close()
    await server.close()
  })

  it('an archived document refuses a socket\'s change even after a restart (read from storage on connection)', async () => {
    const server = await start()
    server.storage.setDocMeta(DOC, { archivedAt: new Date().toISOString() })
    const c = await RawClient.open(server, token(server, 'delegation', 'IND'))
    c.change((doc) => appendPosition(doc, 'PP1.', { delegation: 'IND', stance: '+' }))
    await waitFor(() => c.denied.length > 0, 'the refusal')
    expect(JSON.parse(c.denied[0]).rule).toBe('archived')
    c.close()
    const ws = rawSocket(server, token(server, 'observer'))
    await opened(ws)
    ws.close()
    await server.close()
  })
})
