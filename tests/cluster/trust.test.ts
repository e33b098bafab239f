// Trust across servers: a hostile update sent to a server that is not the document's holder is
// refused exactly as on one server (4409 with the rule in words, recorded, nothing stored or sent),
// and an observer's update is answered permission-denied without a close.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CloseCode } from '../../shared/protocol.ts'
import type { RunningServer } from '../../server/index.ts'
import { podiumText } from '../../server/documents.ts'
import { createToken } from '../../server/tokens.ts'
import { DOC, synced, waitFor } from '../server/helpers.ts'
import { RawClient, block } from '../server/trust-helpers.ts'
import { provider, sharedStorage, sleep, startServers, type SharedStorage } from './helpers.ts'
import type { WebsocketProvider } from 'y-websocket'

describe('a hostile update on a server that is not the holder', () => {
  let shared: SharedStorage
  let servers: RunningServer[] = []
  const providers: WebsocketProvider[] = []

  beforeAll(async () => {
    shared = await sharedStorage()
    servers = await startServers(2, shared.options)
  }, 60_000)

  afterAll(async () => {
    for (const p of providers) p.destroy()
    for (const s of servers) await s.close()
    await shared?.cleanup()
  })

  it('is refused with 4409 and the rule, recorded once, never stored nor sent to anyone', async () => {
    const [holder, replica] = servers
    const roster = holder.meeting.roster
    const tok = (role: string, delegation: string | null = null) => createToken(holder.storage, { role, delegation }, roster).token
    // An honest delegate on each server; the first connection makes its server the holder.
    const onHolder = provider(holder.port, DOC, tok('delegation', 'CHN'))
    providers.push(onHolder)
    await synced(onHolder)
    const onReplica = provider(replica.port, DOC, tok('delegation', 'RUS'))
    providers.push(onReplica)
    await synced(onReplica)
    expect(holder.cluster!.linkOf(DOC)!.authoritative).toBe(true)
    expect(replica.cluster!.linkOf(DOC)!.authoritative).toBe(false)
    const text = podiumText(holder.hub.rooms.get(DOC)!.ydoc)
    const lastId = holder.storage.lastUpdateId(DOC)
    const seen: Uint8Array[] = []
    onHolder.doc.on('update', (u: Uint8Array, origin: unknown) => { if (origin === onHolder) seen.push(u) })
    onReplica.doc.on('update', (u: Uint8Array, origin: unknown) => { if (origin === onReplica) seen.push(u) })

    // Hand-made: an attribute the schema does not have, on PP4, from India's link, to the replica.
    const hostile = await RawClient.open({ port: replica.port } as RunningServer, tok('delegation', 'IND'))
    hostile.change((doc: Y.Doc) => { block(doc, 'PP4.').setAttribute('onclick', 'x') })
    expect(await hostile.closeCode()).toBe(CloseCode.refused)
    expect(hostile.denied.length).toBe(1)
    expect(JSON.parse(hostile.denied[0]).rule).toBe('invalid-block')
    const refusals = holder.storage.refusals(DOC)
    expect(refusals.length).toBe(1)
    expect(refusals[0]).toMatchObject({ rule: 'invalid-block', delegation: 'IND', role: 'delegation' })
    await sleep(300)
    expect(holder.storage.lastUpdateId(DOC)).toBe(lastId)
    expect(seen).toEqual([])
    expect(podiumText(holder.hub.rooms.get(DOC)!.ydoc)).toBe(text)
    expect(podiumText(replica.hub.rooms.get(DOC)!.ydoc)).toBe(text)

    // An observer on the replica: permission denied in words, as on one server, its socket kept.
    const observer = await RawClient.open({ port: replica.port } as RunningServer, tok('observer'))
    observer.change((doc: Y.Doc) => { (block(doc, 'PP4.').get(0) as Y.XmlText).insert(0, 'x') })
    await waitFor(() => observer.denied.length > 0, 'permission denied for the observer')
    expect(observer.denied[0]).toMatch(/observers/)
    expect(holder.storage.refusals(DOC)[0].rule).toBe('read-only')
    await sleep(300)
    expect(observer.closedWith).toBeNull()
    expect(holder.storage.lastUpdateId(DOC)).toBe(lastId)
    observer.close()
  }, 30_000)
})
