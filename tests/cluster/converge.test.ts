// Three servers behind HAProxy: clients on every server (and through the balancer) write at once and
// all end with the same document, which is the stored one; a stock y-websocket client (a plain
// Y.Doc, nothing of Podium's client) works unchanged through the balancer; each server's /metrics
// shows its part of the relay (forwarded, relayed in and out, fan-out of relayed updates).

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { WebsocketProvider } from 'y-websocket'
import type { RunningServer } from '../../server/index.ts'
import { createToken } from '../../server/tokens.ts'
import { FRAGMENT_NAME, newYDoc } from '../../shared/ydoc.ts'
import { addParagraph, content, DOC, synced, waitFor } from '../server/helpers.ts'
import { provider, sharedStorage, startBalancer, tearDown, startServers, type Balancer, type SharedStorage } from './helpers.ts'

describe('three servers behind HAProxy', () => {
  let servers: RunningServer[] = []
  let balancer: Balancer
  let shared: SharedStorage
  const providers: WebsocketProvider[] = []

  beforeAll(async () => {
    shared = await sharedStorage()
    servers = await startServers(3, shared.options)
    balancer = await startBalancer(servers.map((s) => s.port))
  }, 30_000)

  afterAll(() => tearDown({ providers, balancer, servers, shared }))

  it('converges: clients on each server and through the balancer, plus a stock y-websocket client', async () => {
    const tok = createToken(servers[0].storage, { role: 'secretariat' }, servers[0].meeting.roster).token
    const docs: Y.Doc[] = []
    // Two clients straight on each server, three through the balancer.
    for (const port of [...servers.flatMap((s) => [s.port, s.port]), balancer.port, balancer.port, balancer.port]) {
      const ydoc = newYDoc()
      docs.push(ydoc)
      providers.push(provider(port, DOC, tok, ydoc))
    }
    // Stock: a default Y.Doc and y-websocket's provider, nothing else.
    const stockDoc = new Y.Doc()
    providers.push(provider(balancer.port, DOC, tok, stockDoc))
    docs.push(stockDoc)
    await Promise.all(providers.map((p) => synced(p)))
    expect(servers.every((s) => s.cluster !== null)).toBe(true)

    const rounds = 5
    for (let r = 0; r < rounds; r++) {
      for (const [i, d] of docs.entries()) {
        if (d === stockDoc) {
          const p = new Y.XmlElement('paragraph')
          p.setAttribute('id', `stock${r}`)
          p.insert(0, [new Y.XmlText(`stock client round ${r}`)])
          d.getXmlFragment(FRAGMENT_NAME).push([p])
        } else {
          addParagraph(d, `client ${i} round ${r}`)
        }
      }
      await new Promise((res) => setTimeout(res, 20))
    }
    const expected = docs.length * rounds
    const count = (d: Y.Doc) => (content(d).match(/round \d/g) ?? []).length
    await waitFor(() => docs.every((d) => count(d) >= expected), 'every client to hold every paragraph', 15_000)
    const first = content(docs[0])
    for (const d of docs) expect(content(d)).toBe(first)
    // The stored document is the same one.
    const loaded = servers[1].storage.load(DOC)!
    const stored = newYDoc()
    for (const u of loaded.updates) Y.applyUpdate(stored, u)
    expect(content(stored)).toBe(first)
    // Exactly one server holds the document.
    const holders = servers.filter((s) => s.cluster!.linkOf(DOC)?.authoritative)
    expect(holders.length).toBe(1)

    // Each server's /metrics shows its share of the relay: the holder published what it stored; the
    // others forwarded their clients' updates to it and sent what it published to their own clients.
    const sample = (text: string, series: string) => Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN)
    for (const s of servers) {
      const text = await (await fetch(`${s.url}/metrics`)).text()
      const relayedOut = sample(text, 'podium_updates_relayed_total{direction="out"}')
      const relayedIn = sample(text, 'podium_updates_relayed_total{direction="in"}')
      const forwarded = sample(text, 'podium_updates_forwarded_total')
      const remoteFanout = sample(text, 'podium_fanout_seconds_count{source="remote"}')
      if (s === holders[0]) {
        expect(relayedOut, 'holder: relayed out').toBeGreaterThan(0)
        expect(forwarded, 'holder: forwarded').toBe(0)
      } else {
        // Two clients here, each writing `rounds` paragraphs (or more, with the balancer's share).
        expect(forwarded, 'replica: forwarded').toBeGreaterThanOrEqual(2 * rounds)
        expect(relayedIn, 'replica: relayed in').toBeGreaterThan(0)
        expect(remoteFanout, 'replica: remote fan-out observed').toBeGreaterThan(0)
        expect(relayedOut, 'replica: relayed out').toBe(0)
      }
    }
  }, 40_000)
})
