// A token revoked through server A is closed on server C within 1 s — through Redis: the servers'
// own revocation polls are set to a minute here, so only the published revocation can do it.

import { describe, expect, it } from 'vitest'
import { CloseCode } from '../../shared/protocol.ts'
import { createToken } from '../../server/tokens.ts'
import { DOC, closed, opened, rawSocket } from '../server/helpers.ts'
import { threeServersWithSlowPolls } from './helpers.ts'

describe('revocation across servers', () => {
  const cluster = threeServersWithSlowPolls()

  it('closes the token on server C within 1 s of DELETE /api/tokens/<id> on server A', async () => {
    const [a, , c] = cluster.servers()
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
