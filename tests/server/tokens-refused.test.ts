import { afterEach, describe, expect, it } from 'vitest'
import { CloseCode } from '../../shared/protocol.ts'
import { cleanupDirs, closed, connect, destroyAll, opened, rawSocket, start, synced, token, waitFor } from './helpers.ts'

afterEach(cleanupDirs)

describe('sign-in tokens on the sync socket', () => {
  it('refuse a missing, a wrong and a revoked token with 4401', async () => {
    const server = await start()
    expect((await closed(rawSocket(server, null))).code).toBe(CloseCode.unauthorized)
    expect((await closed(rawSocket(server, 'not-a-token'))).code).toBe(CloseCode.unauthorized)
    const tok = token(server, 'delegation', 'IND')
    const id = server.storage.listTokens().at(-1)!.id
    server.storage.revokeToken(id)
    expect((await closed(rawSocket(server, tok))).code).toBe(CloseCode.unauthorized)
    await server.close()
  })

  it('close the open sockets of a token revoked through the API with 4401, and the client stops retrying', async () => {
    const server = await start()
    const sec = token(server, 'secretariat')
    const tok = token(server, 'delegation', 'CHN')
    const p = connect(server, tok)
    await synced(p)
    const closes: number[] = []
    p.on('connection-close', (e) => { if (e) closes.push(e.code) })
    const id = server.storage.listTokens().at(-1)!.id // the newest: the demo has a CHN token too
    const res = await fetch(`${server.url}/api/tokens/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${sec}` } })
    expect(res.status).toBe(204)
    await waitFor(() => closes.includes(CloseCode.unauthorized), 'revocation close')
    await new Promise((r) => setTimeout(r, 300))
    expect(p.shouldConnect).toBe(false)
    destroyAll(p)
    await server.close()
  })

  it('close sockets of a token revoked by another process (the CLI) at the next re-check', async () => {
    const server = await start({ tokenRecheckMs: 50 })
    const tok = token(server, 'chair')
    const ws = rawSocket(server, tok)
    await opened(ws)
    const closing = closed(ws)
    server.storage.revokeToken(server.storage.listTokens().at(-1)!.id)
    expect((await closing).code).toBe(CloseCode.unauthorized)
    await server.close()
  })

  it('refuse a bad document name with 4400 and an unknown document with 4403', async () => {
    const server = await start()
    const tok = token(server, 'secretariat')
    expect((await closed(rawSocket(server, tok, 'bad%20name'))).code).toBe(CloseCode.badDocumentName)
    expect((await closed(rawSocket(server, tok, 'x'.repeat(101)))).code).toBe(CloseCode.badDocumentName)
    const unknown = await closed(rawSocket(server, tok, 'no-such-doc'))
    expect(unknown.code).toBe(CloseCode.notFound)
    expect(unknown.reason).toContain('no-such-doc')
    await server.close()
  })
})
