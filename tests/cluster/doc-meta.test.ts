// Archiving or withdrawing a document through server A closes the sockets it concerns on servers B
// and C within 1 s — through Redis: the servers' own token polls are set to a minute here, and
// nothing else makes B or C read the document's record again.

import { describe, expect, it } from 'vitest'
import { CloseCode } from '../../shared/protocol.ts'
import { createToken } from '../../server/tokens.ts'
import { DOC, closed, opened, rawSocket } from '../server/helpers.ts'
import { sleep, threeServersWithSlowPolls } from './helpers.ts'

describe('a document archived or withdrawn on one server', () => {
  const cluster = threeServersWithSlowPolls()

  it('closes its editors on every server when archived, and its observers when withdrawn from them', async () => {
    const [a, b, c] = cluster.servers()
    const roster = a.meeting.roster
    const secretariat = createToken(a.storage, { role: 'secretariat' }, roster).token
    const patch = (body: object) => fetch(`${a.url}/api/docs/${DOC}`, { method: 'PATCH', headers: { authorization: `Bearer ${secretariat}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
    const released = await patch({ visibility: 'public' })
    expect(released.status).toBe(200)

    const delegate = rawSocket(c, createToken(a.storage, { role: 'delegation', delegation: 'IND' }, roster).token, DOC)
    const observer = rawSocket(b, createToken(a.storage, { role: 'observer' }, roster).token, DOC)
    await Promise.all([opened(delegate), opened(observer)])
    const observerClosed = closed(observer, 10_000)
    let observerGone = false
    void observerClosed.then(() => { observerGone = true })

    // Archived through A: the delegate on C may no longer write, and is told why.
    const delegateClosed = closed(delegate, 5000)
    let started = performance.now()
    expect((await patch({ archived: true })).status).toBe(200)
    const d = await delegateClosed
    const archivedMs = performance.now() - started
    expect(d.code).toBe(CloseCode.forbidden)
    expect(d.reason).toContain('archived')
    // An observer only reads: an archived text stays open to it.
    await sleep(200)
    expect(observerGone).toBe(false)

    // Withdrawn from observers through A: the observer on B is closed.
    started = performance.now()
    expect((await patch({ visibility: 'delegations' })).status).toBe(200)
    const o = await observerClosed
    const withdrawnMs = performance.now() - started
    expect(o.code).toBe(CloseCode.forbidden)
    expect(o.reason).toContain('withdrawn')
    console.log(`archived through A: delegate on C closed after ${Math.round(archivedMs)} ms; withdrawn: observer on B closed after ${Math.round(withdrawnMs)} ms`)
    expect(archivedMs).toBeLessThan(1000)
    expect(withdrawnMs).toBeLessThan(1000)
  }, 30_000)
})
