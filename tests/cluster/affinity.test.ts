// The committed balancing (deploy/haproxy.cfg: `balance uri path-only`, `hash-type consistent`):
// every client of one document lands on one server whatever its token, that server holds the
// document's lease and nothing is forwarded; documents spread over the servers; when a server
// leaves, each of its documents' clients all land on one surviving server, which takes the lease,
// and the documents on the other servers stay where they were. (Round robin, which the cluster must
// take as well, is what failover.test.ts runs.)

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type * as Y from 'yjs'
import type { WebsocketProvider } from 'y-websocket'
import type { RunningServer } from '../../server/index.ts'
import { serverAttribution } from '../../server/documents.ts'
import { createToken } from '../../server/tokens.ts'
import { newYDoc } from '../../shared/ydoc.ts'
import { paragraphsUpdate } from '../server/resilience-helpers.ts'
import { addParagraph, content, synced, waitFor } from '../server/helpers.ts'
import { provider, sharedStorage, startBalancer, startServers, type Balancer, type SharedStorage } from './helpers.ts'

const DOCS = Array.from({ length: 12 }, (_, i) => `affinity-${i}`)
const CLIENTS_PER_DOC = 3

describe('document-affine balancing (the committed HAProxy config)', () => {
  let servers: RunningServer[] = []
  let balancer: Balancer
  let shared: SharedStorage
  const providers: WebsocketProvider[] = []
  const clients = new Map<string, Y.Doc[]>()

  beforeAll(async () => {
    shared = await sharedStorage()
    servers = await startServers(3, shared.options)
    for (const name of DOCS) expect(servers[0].storage.createDoc(name, name, paragraphsUpdate(1, 40), serverAttribution([1]))).toBe(true)
    balancer = await startBalancer(servers.map((s) => s.port))
  }, 30_000)

  afterAll(async () => {
    for (const p of providers) p.destroy()
    await balancer?.stop()
    for (const s of servers) await s.close()
    await shared?.cleanup()
  })

  // The servers that have clients of `doc` connected, by index.
  const serversOf = (doc: string, among = servers) => among.filter((s) => (s.cluster!.linkOf(doc)?.room.peers.size ?? 0) > 0).map((s) => servers.indexOf(s))
  const forwarded = async (s: RunningServer) => Number(/^podium_updates_forwarded_total (\S+)$/m.exec(await (await fetch(`${s.url}/metrics`)).text())?.[1] ?? NaN)
  // Every client of every document writes a paragraph tagged `tag`; all of a document's clients end with all of them.
  const writeAndConverge = async (tag: string) => {
    for (const [name, docs] of clients) for (const [i, d] of docs.entries()) addParagraph(d, `${name} client ${i} ${tag}`)
    await waitFor(() => [...clients.values()].every((docs) => docs.every((d) => (content(d).match(new RegExp(`client \\d ${tag}`, 'g')) ?? []).length === docs.length)), `every client to hold every ${tag} paragraph`, 15_000)
    for (const docs of clients.values()) for (const d of docs) expect(content(d)).toBe(content(docs[0]))
  }

  it('puts a document\'s clients on one server, which holds its lease; documents spread; after a server leaves they move to one survivor each', async () => {
    const roster = servers[0].meeting.roster
    for (const name of DOCS) {
      const docs: Y.Doc[] = []
      for (let i = 0; i < CLIENTS_PER_DOC; i++) {
        // A token of its own for each client: the query string (the token) must not change the server.
        const tok = createToken(servers[0].storage, { role: 'secretariat', label: `${name} ${i}` }, roster).token
        const ydoc = newYDoc()
        docs.push(ydoc)
        providers.push(provider(balancer.port, name, tok, ydoc))
      }
      clients.set(name, docs)
    }
    await Promise.all(providers.map((p) => synced(p, 15_000)))

    const home = new Map<string, number>()
    for (const name of DOCS) {
      const on = serversOf(name)
      expect(on, `${name}: servers with its clients`).toHaveLength(1)
      expect(servers[on[0]].cluster!.linkOf(name)!.authoritative, `${name}: its server holds the lease`).toBe(true)
      home.set(name, on[0])
    }
    expect(new Set(home.values()).size, 'documents on more than one server').toBeGreaterThan(1)
    await writeAndConverge('before')
    for (const s of servers) expect(await forwarded(s), 'updates forwarded to another server').toBe(0)

    // The server with the most documents leaves; its documents' clients reconnect through the balancer.
    const counts = servers.map((_, k) => [...home.values()].filter((h) => h === k).length)
    const gone = counts.indexOf(Math.max(...counts))
    const moved = DOCS.filter((name) => home.get(name) === gone)
    await servers[gone].close()
    const survivors = servers.filter((_, k) => k !== gone)
    await waitFor(() => moved.every((name) => survivors.reduce((n, s) => n + (s.cluster!.linkOf(name)?.room.peers.size ?? 0), 0) === CLIENTS_PER_DOC), 'the moved documents\' clients to reconnect', 15_000)
    for (const name of DOCS) {
      const on = serversOf(name, survivors)
      expect(on, `${name}: servers with its clients after the leave`).toHaveLength(1)
      if (!moved.includes(name)) expect(on[0], `${name} stays where it was`).toBe(home.get(name))
    }
    // Each moved document's new server takes the lease once the old holder released it (closed cleanly here).
    await waitFor(() => moved.every((name) => servers[serversOf(name, survivors)[0]].cluster!.linkOf(name)?.authoritative === true), 'the moved documents\' leases to follow their clients', 10_000)
    await writeAndConverge('after')
    for (const s of survivors) expect(await forwarded(s), 'updates forwarded after the leave').toBe(0)
  }, 60_000)
})
