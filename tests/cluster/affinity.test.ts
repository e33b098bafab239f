// The committed balancing (deploy/haproxy.cfg: `balance uri path-only`, `hash-type consistent`):
// every client of one document lands on one server whatever its token, that server holds the
// document's lease and nothing is forwarded; documents spread over the servers; when a server
// leaves, each of its documents' clients all land on one surviving server, which takes the lease,
// and the documents on the other servers stay where they were — after a clean stop, and after a
// kill -9 (HAProxy then redispatches the first reconnects itself; they must go where the rehash does).
// (Round robin, which the cluster must take as well, is what failover.test.ts runs.)

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type * as Y from 'yjs'
import type { WebsocketProvider } from 'y-websocket'
import type { RunningServer } from '../../server/index.ts'
import { serverAttribution } from '../../server/documents.ts'
import { createToken } from '../../server/tokens.ts'
import { DEFAULT_MEETING } from '../../server/config.ts'
import { newYDoc } from '../../shared/ydoc.ts'
import { paragraphsUpdate } from '../server/resilience-helpers.ts'
import { addParagraph, content, synced, waitFor } from '../server/helpers.ts'
import { paragraphTexts, provider, sharedStorage, startBalancer, tearDown, startChild, startServers, storedDoc, type Balancer, type ChildServer, type SharedStorage } from './helpers.ts'

const DOCS = Array.from({ length: 12 }, (_, i) => `affinity-${i}`)
const CLIENTS_PER_DOC = 3
const DEFAULT_ROSTER = DEFAULT_MEETING.roster

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

  afterAll(() => tearDown({ providers, balancer, servers, shared }))

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

describe('document-affine balancing when a server is killed (SIGKILL)', () => {
  let shared: SharedStorage
  const servers: ChildServer[] = []
  let balancer: Balancer
  const providers: WebsocketProvider[] = []
  let listToken = ''

  beforeAll(async () => {
    shared = await sharedStorage()
    const storage = shared.open()
    for (const name of DOCS) expect(storage.createDoc(name, name, paragraphsUpdate(1, 40), serverAttribution([1]))).toBe(true)
    for (let i = 0; i < 3; i++) servers.push(await startChild(shared.options, `a${i + 1}-${process.pid}`, { demo: false }))
    balancer = await startBalancer(servers.map((s) => s.port))
    listToken = createToken(storage, { role: 'secretariat', label: 'lister' }, DEFAULT_ROSTER).token
  }, 90_000)

  afterAll(() => tearDown({ providers, balancer, servers, shared }), 30_000)

  // How many clients each server has on each document (GET /api/docs answers for the server asked).
  const connectedOn = async (s: ChildServer): Promise<Map<string, number>> => {
    const res = await fetch(`http://127.0.0.1:${s.port}/api/docs`, { headers: { authorization: `Bearer ${listToken}` } })
    const list = await res.json() as { name: string; connected: unknown[] }[]
    return new Map(list.map((d) => [d.name, d.connected.length]))
  }
  const placement = async (among: ChildServer[]) => {
    const counts = await Promise.all(among.map(connectedOn))
    return new Map(DOCS.map((name) => [name, among.filter((_, k) => (counts[k].get(name) ?? 0) > 0)]))
  }

  it('sends all clients of each of its documents to one surviving server, and moves no other document', async () => {
    const storage = shared.open()
    const writers = new Map<string, Y.Doc[]>()
    for (const name of DOCS) {
      const docs = Array.from({ length: CLIENTS_PER_DOC }, () => newYDoc())
      for (const [i, d] of docs.entries()) providers.push(provider(balancer.port, name, createToken(storage, { role: 'secretariat', label: `${name} ${i}` }, DEFAULT_ROSTER).token, d))
      writers.set(name, docs)
    }
    await Promise.all(providers.map((p) => synced(p, 20_000)))
    const before = await placement(servers)
    for (const name of DOCS) expect(before.get(name), `${name}: servers with its clients`).toHaveLength(1)

    const counts = servers.map((s) => DOCS.filter((name) => before.get(name)![0] === s).length)
    const victim = servers[counts.indexOf(Math.max(...counts))]
    const moved = DOCS.filter((name) => before.get(name)![0] === victim)
    const survivors = servers.filter((s) => s !== victim)
    victim.kill()
    // Until the survivors have every client of every document again (20 s at most).
    const total = (counts: Map<string, number>[], name: string) => counts.reduce((n, c) => n + (c.get(name) ?? 0), 0)
    const deadline = Date.now() + 20_000
    for (;;) {
      const now = await Promise.all(survivors.map(connectedOn))
      if (DOCS.every((name) => total(now, name) === CLIENTS_PER_DOC)) break
      if (Date.now() > deadline) throw new Error(`clients not back on the survivors after 20 s: ${DOCS.map((name) => `${name} ${total(now, name)}`).join(', ')}`)
      await new Promise((r) => setTimeout(r, 100))
    }
    const after = await placement(survivors)
    for (const name of DOCS) {
      expect(after.get(name), `${name}: surviving servers with its clients`).toHaveLength(1)
      if (!moved.includes(name)) expect(after.get(name)![0], `${name} stays where it was`).toBe(before.get(name)![0])
    }
    // Writing goes on, and everything written is stored.
    for (const [name, docs] of writers) for (const [i, d] of docs.entries()) addParagraph(d, `${name} client ${i} after the kill`)
    await waitFor(() => DOCS.every((name) => paragraphTexts(storedDoc(storage, name)).filter((t) => t.endsWith('after the kill')).length === CLIENTS_PER_DOC), 'every paragraph written after the kill in storage', 20_000)
  }, 60_000)
})
