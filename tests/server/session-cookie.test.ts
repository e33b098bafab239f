// Browser sessions: the sign-in link's token is exchanged for an httpOnly cookie; REST calls and
// the websocket then name only the session (the token's public id), never the secret.
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { CloseCode } from '../../shared/protocol.ts'
import { cleanupDirs, closed, opened, start, token } from './helpers.ts'
import type { RunningServer } from '../../server/index.ts'

afterEach(cleanupDirs)

async function signIn(server: RunningServer, tok: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: server.url, ...headers }, body: JSON.stringify({ token: tok }) })
}

function sessionSocket(server: RunningServer, session: string, cookie: string, origin = server.url): WebSocket {
  return new WebSocket(`ws://127.0.0.1:${server.port}/sync/astana-statement?session=${session}`, { headers: { cookie, origin } })
}

describe('browser session cookie', () => {
  it('exchanges the token for an httpOnly SameSite=Strict cookie that authenticates REST and the websocket', async () => {
    const server = await start()
    const tok = token(server, 'delegation', 'IND')
    const res = await signIn(server, tok)
    expect(res.status).toBe(200)
    const { session, role, delegation } = await res.json() as { session: string; role: string; delegation: string }
    expect({ role, delegation }).toEqual({ role: 'delegation', delegation: 'IND' })
    expect(session).toBe(server.storage.listTokens().at(-1)!.id)
    const setCookie = res.headers.get('set-cookie')!
    expect(setCookie).toMatch(new RegExp(`^podium_${session}=`))
    expect(setCookie).toContain('HttpOnly')
    expect(setCookie).toContain('SameSite=Strict')
    expect(setCookie).toContain('Path=/')
    const cookie = setCookie.split(';')[0]

    const me = await fetch(`${server.url}/api/me`, { headers: { 'x-podium-session': session, cookie } })
    expect(me.status).toBe(200)
    expect(((await me.json()) as { delegation: string }).delegation).toBe('IND')
    // The session id alone is nothing: without the cookie, or with another session's cookie, 401.
    expect((await fetch(`${server.url}/api/me`, { headers: { 'x-podium-session': session } })).status).toBe(401)
    const other = await signIn(server, token(server, 'delegation', 'CHN'))
    const otherCookie = other.headers.get('set-cookie')!.split(';')[0]
    expect((await fetch(`${server.url}/api/me`, { headers: { 'x-podium-session': session, cookie: otherCookie } })).status).toBe(401)
    // Both cookies in one browser: each tab names its own session.
    const both = `${cookie}; ${otherCookie}`
    expect(((await (await fetch(`${server.url}/api/me`, { headers: { 'x-podium-session': session, cookie: both } })).json()) as { delegation: string }).delegation).toBe('IND')

    const ws = sessionSocket(server, session, both)
    await opened(ws)
    ws.close()
    await server.close()
  })

  it('refuses the websocket from another site\'s page, without the cookie, or once the token is revoked', async () => {
    const server = await start()
    const tok = token(server, 'chair')
    const res = await signIn(server, tok)
    const { session } = await res.json() as { session: string }
    const cookie = res.headers.get('set-cookie')!.split(';')[0]
    expect((await closed(sessionSocket(server, session, cookie, 'https://evil.example'))).code).toBe(CloseCode.unauthorized)
    expect((await closed(sessionSocket(server, session, ''))).code).toBe(CloseCode.unauthorized)
    const ws = sessionSocket(server, session, cookie)
    await opened(ws)
    const closing = closed(ws)
    server.storage.revokeToken(session)
    expect((await closing).code).toBe(CloseCode.unauthorized)
    expect((await closed(sessionSocket(server, session, cookie))).code).toBe(CloseCode.unauthorized)
    expect((await fetch(`${server.url}/api/me`, { headers: { 'x-podium-session': session, cookie } })).status).toBe(401)
    await server.close()
  })

  it('refuses a bad token (401), a cross-site sign-in (403) and a form post (415); DELETE clears the cookie', async () => {
    const server = await start()
    expect((await signIn(server, 'not-a-token')).status).toBe(401)
    const tok = token(server, 'observer')
    expect((await signIn(server, tok, { origin: 'https://evil.example' })).status).toBe(403)
    const form = await fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${tok}` })
    expect(form.status).toBe(415)
    const { session } = await (await signIn(server, tok)).json() as { session: string }
    const out = await fetch(`${server.url}/api/session`, { method: 'DELETE', headers: { 'x-podium-session': session } })
    expect(out.status).toBe(204)
    expect(out.headers.get('set-cookie')).toMatch(new RegExp(`^podium_${session}=;.*Max-Age=0`))
    await server.close()
  })
})
