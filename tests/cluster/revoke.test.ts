// A token revoked through server A is closed on server C within 1 s — through Redis: the servers'
// own revocation polls are set to a minute here, so only the published revocation can do it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CloseCode } from '../../shared/protocol.ts'
import type { RunningServer } from '../../server/index.ts'
import { createToken } from '../../server/tokens.ts'
import { DOC, closed, opened, rawSocket } from '../server/helpers.ts'
import { sharedStorage, startServers, type SharedStorage } from './helpers.ts'

describe('revocation across servers', () => {
  let shared: SharedStorage
  let servers: RunningServer[] = []

  beforeAll(async () => {
    shared = await sharedStorage()
    servers = await startServers(3, shared.options, { revocationPollMs: 60_000, tokenRecheckMs: 60_000 })
  }, 60_000)

  afterAll(async () => {
    for (const s of servers) await s.close()
    await shared?.cleanup()
  })

  it('closes the token on server C within 1 s of DELETE /api/tokens/<id> on server A', async () => {
    const [a, , c] = servers
    const roster = a.meeting.roster
    const secretariat = createToken(a.storage, { role: 'secretariat' }, roster).token
    const target = createToken(a.storage, { role: 'delegation', delegation: 'IND' }, roster)
    const ws = rawSocket(c, target.token, DOC)
    await opened(ws)
    const closing = closed(ws, 5000)
    const started = performance.now()
    const res = await fetch(`${a.url}/api/tokens/${target.record.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${secretariat}` } })
    expect(res.status).toBe(204)
    const { code } = await closing
    const ms = performance.now() - started
    console.log(`revocation through A closed the socket on C after ${Math.round(ms)} ms`)
    expect(code).toBe(CloseCode.unauthorized)
    expect(ms).toBeLessThan(1000)
  }, 20_000)
})
