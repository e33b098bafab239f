// Document scope: a token issued for one document opens, reads and writes only that one; a
// meeting-wide token (doc null) every document.
import { afterEach, describe, expect, it } from 'vitest'
import { createToken } from '../../server/tokens.ts'
import { CloseCode } from '../../shared/protocol.ts'
import { cleanupDirs, closed, connect, destroyAll, opened, rawSocket, start, synced, token } from './helpers.ts'
import type { RunningServer } from '../../server/index.ts'

afterEach(cleanupDirs)

function scoped(server: RunningServer, role: string, delegation: string | null, doc: string): string {
  return createToken(server.storage, { role, delegation, doc }, server.meeting.roster).token
}

async function api(server: RunningServer, tok: string, path: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${server.url}/api${path}`, { ...init, headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json', ...init.headers } })
  const type = res.headers.get('content-type') ?? ''
  return { status: res.status, body: type.includes('json') ? await res.json() : await res.text() }
}

describe('token document scope', () => {
  it('a token for document A cannot open B over the websocket (4403) nor read or write it over REST (403)', async () => {
    const server = await start()
    const sec = token(server, 'secretariat')
    expect((await api(server, sec, '/docs', { method: 'POST', body: JSON.stringify({ name: 'other', title: 'Other text', text: 'PP1. Other words.' }) })).status).toBe(201)

    const forA = scoped(server, 'delegation', 'IND', 'astana-statement')
    const refused = await closed(rawSocket(server, forA, 'other'))
    expect(refused.code).toBe(CloseCode.forbidden)
    expect(refused.reason).toContain('astana-statement only')
    const ok = connect(server, forA)
    await synced(ok)

    for (const path of ['/docs/other/text', '/docs/other/snapshots', '/docs/other/export?format=text', '/docs/other/compare?from=latest&to=live']) {
      const r = await api(server, forA, path)
      expect(r.status, path).toBe(403)
      expect((r.body as { error: string }).error, path).toContain('for document astana-statement only')
    }
    expect((await api(server, forA, '/docs/astana-statement/text')).status).toBe(200)
    const list = await api(server, forA, '/docs')
    expect((list.body as { name: string }[]).map((d) => d.name)).toEqual(['astana-statement'])
    expect((await api(server, forA, '/me')).status).toBe(200)

    // A secretariat token for one document: that document only, and no meeting-wide calls.
    const secA = scoped(server, 'secretariat', null, 'astana-statement')
    expect((await closed(rawSocket(server, secA, 'other'))).code).toBe(CloseCode.forbidden)
    expect((await api(server, secA, '/docs/other/replace', { method: 'POST', body: JSON.stringify({ text: 'PP1. Replaced.' }) })).status).toBe(403)
    const create = await api(server, secA, '/docs', { method: 'POST', body: JSON.stringify({ name: 'third' }) })
    expect(create.status).toBe(403)
    expect((create.body as { error: string }).error).toContain('meeting-wide')
    expect((await api(server, secA, '/tokens')).status).toBe(403)
    expect((await api(server, secA, '/docs/astana-statement/snapshots', { method: 'POST', body: JSON.stringify({ label: 'mine' }) })).status).toBe(201)

    // The meeting-wide secretariat token may do anything.
    const ws = rawSocket(server, sec, 'other')
    await opened(ws)
    expect((await api(server, sec, '/docs/other/text')).status).toBe(200)
    expect(((await api(server, sec, '/docs')).body as unknown[]).length).toBe(2)
    ws.close()
    destroyAll(ok)
    await server.close()
  })

  it('records the scope of a token issued through the API and shows it in the list', async () => {
    const server = await start()
    const sec = token(server, 'secretariat')
    const made = await api(server, sec, '/tokens', { method: 'POST', body: JSON.stringify({ role: 'observer', doc: 'astana-statement' }) })
    expect(made.status).toBe(201)
    expect(made.body).toMatchObject({ doc: 'astana-statement' })
    const bad = await api(server, sec, '/tokens', { method: 'POST', body: JSON.stringify({ role: 'observer', doc: '../etc' }) })
    expect(bad.status).toBe(400)
    const list = (await api(server, sec, '/tokens')).body as { id: string; doc: string | null }[]
    expect(list.find((t) => t.id === (made.body as { id: string }).id)?.doc).toBe('astana-statement')
    await server.close()
  })
})
