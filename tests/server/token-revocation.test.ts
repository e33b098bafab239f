// Revocation by any route closes live connections within 1 s (4401), and nothing the revoked
// token sends after the server has seen the revocation is accepted.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { CloseCode } from '../../shared/protocol.ts'
import * as Y from 'yjs'
import { FRAGMENT_NAME } from '../../shared/ydoc.ts'
import { cleanupDirs, connect, destroyAll, start, synced, tempDir, token, waitFor } from './helpers.ts'
import type { RunningServer } from '../../server/index.ts'
import type { WebsocketProvider } from 'y-websocket'

afterEach(cleanupDirs)

const run = promisify(execFile)
const POLL_MS = 250

// The first text of the document (the pen may type into it under every rule).
function firstText(ydoc: Y.Doc): Y.XmlText {
  const walk = (el: Y.XmlElement | Y.XmlFragment): Y.XmlText | null => {
    for (const c of el.toArray()) {
      const t = c instanceof Y.XmlText ? c : walk(c as Y.XmlElement)
      if (t) return t
    }
    return null
  }
  return walk(ydoc.getXmlFragment(FRAGMENT_NAME))!
}

// A provider typing every 20 ms until its socket closes; resolves with the close code and time.
function typeUntilClosed(p: WebsocketProvider): Promise<{ code: number; at: number }> {
  return new Promise((resolve) => {
    const text = firstText(p.doc)
    const timer = setInterval(() => text.insert(text.length, ' x'), 20)
    p.on('connection-close', (e: { code: number } | null) => {
      clearInterval(timer)
      resolve({ code: e?.code ?? 0, at: Date.now() })
    })
  })
}

function acceptedAfter(server: RunningServer, tokenId: string, at: number): number {
  return server.storage.audit('astana-statement', 100_000).filter((r) => r.tokenId === tokenId && Date.parse(r.at) > at).length
}

describe('revocation', () => {
  it('by another process (storage written directly) closes the token\'s connections with 4401 within 1 s; no write after is accepted', async () => {
    const server = await start()
    const tok = token(server, 'chair')
    const id = server.storage.listTokens().at(-1)!.id
    const p = connect(server, tok)
    await synced(p)
    const closing = typeUntilClosed(p)
    await new Promise((r) => setTimeout(r, 300))
    const revokedAt = Date.now()
    server.storage.revokeToken(id)
    const { code, at } = await closing
    expect(code).toBe(CloseCode.unauthorized)
    expect(at - revokedAt).toBeLessThan(1000)
    // The poll interval is the whole window: at most POLL_MS (+ scheduling) between revocation and close.
    expect(at - revokedAt).toBeLessThan(POLL_MS + 250)
    await new Promise((r) => setTimeout(r, 200))
    expect(acceptedAfter(server, id, at)).toBe(0)
    expect(acceptedAfter(server, id, 0)).toBeGreaterThan(0) // it was writing until then
    expect(p.shouldConnect).toBe(false)
    destroyAll(p)
    await server.close()
  })

  it('by the CLI in another process closes the connection within 1 s of the command finishing', async () => {
    const dataDir = tempDir()
    const server = await start({ dataDir })
    const tok = token(server, 'secretariat')
    const id = server.storage.listTokens().at(-1)!.id
    const p = connect(server, tok)
    await synced(p)
    const closing = typeUntilClosed(p)
    await run(process.execPath, ['bin/podium.js', 'token', 'revoke', id, '--data', dataDir], { env: { ...process.env, PODIUM_LOG_LEVEL: 'silent' } })
    const done = Date.now()
    const { code, at } = await closing
    expect(code).toBe(CloseCode.unauthorized)
    expect(at - done).toBeLessThan(1000)
    await new Promise((r) => setTimeout(r, 200))
    expect(acceptedAfter(server, id, at)).toBe(0)
    destroyAll(p)
    await server.close()
  })

  it('through the API closes at once', async () => {
    const server = await start()
    const sec = token(server, 'secretariat')
    const tok = token(server, 'chair')
    const id = server.storage.listTokens().at(-1)!.id
    const p = connect(server, tok)
    await synced(p)
    const closing = typeUntilClosed(p)
    const before = Date.now()
    const res = await fetch(`${server.url}/api/tokens/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${sec}` } })
    expect(res.status).toBe(204)
    const { code, at } = await closing
    expect(code).toBe(CloseCode.unauthorized)
    expect(at - before).toBeLessThan(500)
    await waitFor(() => server.hub.connections === 0, 'socket gone')
    destroyAll(p)
    await server.close()
  })
})
