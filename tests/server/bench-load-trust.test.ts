// The sync benchmark's load is what real delegations and the pen may send: its typists (hand-encoded
// updates, bench/sync/typist.ts) and its editors (the Y API, bench/sync/fanout.ts randomEdit) run
// through a real Podium server with the tokens the benchmark gives them, and nothing is refused.

import { afterAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { BenchClient } from '../../bench/sync/client.ts'
import { markerParagraph, randomEdit } from '../../bench/sync/fanout.ts'
import { seedUpdate, textNodes } from '../../bench/sync/seed-doc.ts'
import { findSpots, MARKER, Typist } from '../../bench/sync/typist.ts'
import type { RunningServer } from '../../server/index.ts'
import { serverAttribution } from '../../server/documents.ts'
import { openSqliteStorage } from '../../server/storage/sqlite.ts'
import { updateClients } from '../../server/sync/update-meta.ts'
import { FRAGMENT_NAME } from '../../shared/ydoc.ts'
import { cleanupDirs, start, tempDir, token, waitFor } from './helpers.ts'

const DOC = 'bench'
let server: RunningServer | null = null

afterAll(async () => {
  await server?.close()
  cleanupDirs()
})

describe('bench load against the trust rules', () => {
  it('typists (delegation tokens) and editors (pen tokens) are never refused', async () => {
    // The bench document, written before the server opens the database, as server-podium.ts does.
    const dataDir = tempDir()
    const storage = openSqliteStorage(dataDir, { synchronous: 'normal' })
    const seed = seedUpdate()
    storage.createDoc(DOC, 'Bench', seed, serverAttribution(updateClients(seed)))
    storage.close()
    const s = server = await start({ dataDir, demo: false })
    const url = (tok: string) => `ws://127.0.0.1:${s.port}/sync/${DOC}?token=${encodeURIComponent(tok)}`
    const pens = [token(s, 'secretariat'), token(s, 'chair')]
    const codes = ['IND', 'IND', 'IND', 'CHN', 'CHN', 'RUS', 'IRAN', 'TUR', 'PAK', 'EGY']
    const delegationTokens = new Map([...new Set(codes)].map((c) => [c, token(s, 'delegation', c)]))
    const closes: number[] = []
    const open = (tok: string, apply: 'all' | 'none', delegation?: string) => {
      const c = new BenchClient({ url: url(tok), framing: 'y-websocket', doc: DOC, delegation }, { apply })
      c.ws.on('close', (code) => closes.push(code))
      return c
    }
    const editors = pens.map((tok) => open(tok, 'all'))
    const writers = codes.map((code) => open(delegationTokens.get(code)!, 'none', code))
    const all = [...editors, ...writers]
    try {
      await waitFor(() => all.every((c) => c.synced), 'bench clients to sync', 30_000)
      const spots = findSpots(editors[0].ydoc!)
      const typists = writers.map((w, i) => new Typist(0x10000 + i, spots, w.target.delegation!))
      const texts = editors.map((e) => textNodes(e.ydoc!).filter((t) => t.length > 0))
      const markers: (Y.XmlText | null)[] = editors.map(() => null)
      let deletions = 0
      for (let round = 0; round < 100; round++) {
        typists.forEach((t, i) => {
          const u = t.next()
          if (Y.decodeUpdate(u).ds.clients.size) deletions++
          expect(writers[i].sendUpdate(u), `round ${round}, typist ${i} (${t.code}): socket closed ${JSON.stringify(closes)}; refusals ${JSON.stringify(s.storage.refusals(DOC).map((r) => [r.delegation ?? r.role, r.rule, r.reason]))}`).not.toBeNull()
        })
        editors.forEach((e, i) => expect(e.edit((doc) => randomEdit(doc, texts[i], spots, markers[i] ??= markerParagraph(doc))), `round ${round}, editor ${i}: socket closed ${JSON.stringify(closes)}`).not.toBeNull())
        await new Promise((r) => setTimeout(r, 15))
      }
      expect(deletions).toBeGreaterThan(100)
      // Every editor holds every typist's edits and the other editor's.
      const clocks = [...typists.map((t) => t.state), ...editors.map((e) => [e.ydoc!.clientID, Y.getState(e.ydoc!.store, e.ydoc!.clientID)] as const)]
      await waitFor(() => closes.length > 0 || editors.every((e) => clocks.every(([id, clock]) => Y.getState(e.ydoc!.store, id) >= clock)), 'every edit at both editors', 30_000)
      expect(s.storage.refusals(DOC).map((r) => [r.delegation ?? r.role, r.rule, r.reason])).toEqual([])
      expect(closes).toEqual([])
      expect(all.every((c) => !c.closed)).toBe(true)
      // The editors agree, with the server's own copy too, and every typist's marker and positions are there.
      const text = (d: Y.Doc) => d.getXmlFragment(FRAGMENT_NAME).toString()
      expect(text(editors[1].ydoc!)).toBe(text(editors[0].ydoc!))
      const state = await writers[0].resync(10_000)
      const fresh = new Y.Doc({ gc: false })
      Y.applyUpdate(fresh, state!)
      expect(text(fresh)).toBe(text(editors[0].ydoc!))
      const doc = editors[0].ydoc!
      for (const t of typists) {
        const p = doc.getXmlFragment(FRAGMENT_NAME).toArray().find((b) => b instanceof Y.XmlElement && b._item!.id.client === t.client) as Y.XmlElement
        expect((p.get(0) as Y.XmlText).toString()).toBe(MARKER.repeat(100))
      }
      const marks = [...doc.getXmlFragment(FRAGMENT_NAME).createTreeWalker((n) => n instanceof Y.XmlElement && n.nodeName === 'delegation_mark')] as Y.XmlElement[]
      const typed = marks.filter((m) => typists.some((t) => t.client === m._item!.id.client))
      expect(typed.length).toBeGreaterThan(10)
      for (const m of typed) expect(m.getAttribute('delegation')).toBe(typists.find((t) => t.client === m._item!.id.client)!.code)
    } finally {
      for (const c of all) c.close()
    }
  }, 60_000)
})
