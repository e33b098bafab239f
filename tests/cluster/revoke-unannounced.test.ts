// A revocation no server announced (the command line writes the token table; nothing goes through
// Redis) reaches the holder's judgement within its revocation poll, even while the sender's own server
// has not noticed yet: the holder reads the forwarded sender's principal again and refuses the update.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CloseCode } from '../../shared/protocol.ts'
import { podiumText } from '../../server/documents.ts'
import type { RunningServer } from '../../server/index.ts'
import { createToken } from '../../server/tokens.ts'
import { DOC, synced, waitFor } from '../server/helpers.ts'
import { RawClient, block } from '../server/trust-helpers.ts'
import { provider, sharedStorage, sleep, startServers, type SharedStorage } from './helpers.ts'
import type { WebsocketProvider } from 'y-websocket'

describe('a token revoked in storage only', () => {
  let shared: SharedStorage
  let holder: RunningServer
  let replica: RunningServer
  const providers: WebsocketProvider[] = []

  beforeAll(async () => {
    shared = await sharedStorage()
    // The holder polls the token table as usual (250 ms); the replica so slowly that only the holder can notice.
    ;[holder] = await startServers(1, shared.options)
    ;[replica] = await startServers(1, shared.options, { serverId: `slow-${process.pid}`, revocationPollMs: 60_000, tokenRecheckMs: 60_000 })
  }, 60_000)

  afterAll(async () => {
    for (const p of providers) p.destroy()
    for (const s of [holder, replica]) await s?.close()
    await shared?.cleanup()
  })

  it('is refused by the holder within one poll, and its socket on the other server closed 4401', async () => {
    const roster = holder.meeting.roster
    const secretariat = provider(holder.port, DOC, createToken(holder.storage, { role: 'secretariat' }, roster).token)
    providers.push(secretariat)
    await synced(secretariat)
    expect(holder.cluster!.linkOf(DOC)!.authoritative).toBe(true)

    const india = createToken(holder.storage, { role: 'delegation', delegation: 'IND' }, roster)
    const raw = await RawClient.open({ port: replica.port } as RunningServer, india.token)
    raw.change((doc: Y.Doc) => { const t = block(doc, 'PP4.').get(0) as Y.XmlText; t.insert(t.length, ' first') })
    await waitFor(() => podiumText(secretariat.doc).includes(' first'), 'the first edit, judged by the holder')

    await waitFor(() => holder.cluster!.linkOf(DOC)!.remotePeers === 1, 'the holder to keep the sender\'s principal')
    // As `podium token revoke` does: the table written by another process's storage, no word on Redis.
    expect(shared.open().revokeToken(india.record.id)).toBe(true)
    await sleep(700)
    const lastId = holder.storage.lastUpdateId(DOC)
    raw.change((doc: Y.Doc) => { const t = block(doc, 'PP4.').get(0) as Y.XmlText; t.insert(t.length, ' second') })
    expect(await raw.closeCode()).toBe(CloseCode.unauthorized)
    await sleep(300)
    expect(holder.storage.lastUpdateId(DOC)).toBe(lastId)
    expect(podiumText(secretariat.doc)).not.toContain(' second')
    expect(podiumText(holder.hub.rooms.get(DOC)!.ydoc)).not.toContain(' second')
  }, 30_000)
})
