import * as prng from 'lib0/prng'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CODES, findSpots, MARKER, Typist } from '../../bench/sync/typist.ts'
import { seedUpdate } from '../../bench/sync/seed-doc.ts'
import { DEFAULT_ROSTER } from '../../shared/roster.ts'
import { FRAGMENT_NAME, newYDoc } from '../../shared/ydoc.ts'

// The load generator's hand-encoded edits must be updates Yjs integrates completely: nothing left
// pending, every struct counted, the same result whichever order peers receive them in. They must
// also be what a delegation may send to Podium: only the text touched, only their own positions,
// only their own words deleted (tests/server/bench-load-trust.test.ts sends them to a real server).

const SEED_UPDATE = seedUpdate()

function seeded(): Y.Doc {
  const d = newYDoc()
  Y.applyUpdate(d, SEED_UPDATE)
  return d
}

const elements = (d: Y.Doc, name: string) => [...d.getXmlFragment(FRAGMENT_NAME).createTreeWalker((n) => n instanceof Y.XmlElement && n.nodeName === name)] as Y.XmlElement[]
const brackets = (d: Y.Doc) => elements(d, 'bracket')
const count = (it: Iterable<unknown>) => [...it].length
// The client's own paragraph: the top-level paragraph it created.
const markerText = (d: Y.Doc, client: number) => {
  const p = d.getXmlFragment(FRAGMENT_NAME).toArray().find((b) => b instanceof Y.XmlElement && b._item!.id.client === client) as Y.XmlElement | undefined
  return p ? (p.get(0) as Y.XmlText).toString() : null
}
// Deleted characters of the document, by the client that inserted them.
function deletedChars(d: Y.Doc): Map<number, number> {
  const out = new Map<number, number>()
  for (const [client, structs] of d.store.clients) {
    for (const s of structs) if (s instanceof Y.Item && s.deleted && s.content instanceof Y.ContentString) out.set(client, (out.get(client) ?? 0) + s.length)
  }
  return out
}

describe('Typist (bench load generator)', () => {
  it('uses roster codes only', () => {
    const codes = new Set(DEFAULT_ROSTER.map((e) => e.code))
    for (const c of CODES) expect(codes, c).toContain(c)
  })

  it('writes updates that integrate completely: inserts, deletions of its own words, brackets, its own positions and a marker', () => {
    const doc = seeded()
    const spots = findSpots(doc)
    const gen = prng.create(7)
    const typist = new Typist(424242, spots, 'IND', () => prng.real53(gen))
    const before = doc.getXmlFragment(FRAGMENT_NAME).toString()
    const blocksBefore = doc.getXmlFragment(FRAGMENT_NAME).length
    const bracketsBefore = count(brackets(doc))
    const marksBefore = elements(doc, 'delegation_mark').length
    let textChanges = 0
    let deletions = 0
    for (let i = 0; i < 300; i++) {
      const prevText = doc.getXmlFragment(FRAGMENT_NAME).toString()
      const update = typist.next()
      const decoded = Y.decodeUpdate(update)
      expect(decoded.structs.length, `edit ${i} carries no struct`).toBeGreaterThan(0)
      if (decoded.ds.clients.size) {
        deletions++
        expect([...decoded.ds.clients.keys()]).toEqual([424242])
      }
      Y.applyUpdate(doc, update)
      expect(doc.store.pendingStructs, `edit ${i} left structs pending`).toBeNull()
      expect(doc.store.pendingDs, `edit ${i} left deletions pending`).toBeNull()
      // Only the text: no root type besides the podium fragment.
      expect([...doc.share.keys()]).toEqual([FRAGMENT_NAME])
      expect(markerText(doc, 424242)).toBe(MARKER.repeat(i + 1))
      if (doc.getXmlFragment(FRAGMENT_NAME).toString() !== prevText) textChanges++
    }
    // Every struct the typist wrote is in the document (the state is its next clock).
    const state = Y.getState(doc.store, 424242)
    const last = typist.next()
    expect(Y.decodeUpdate(last).structs[0].id).toEqual({ client: 424242, clock: state })
    expect(textChanges).toBe(300)
    // One paragraph of its own at the end, after the initial text.
    const blocks = doc.getXmlFragment(FRAGMENT_NAME).toArray()
    expect(blocks.length).toBe(blocksBefore + 1)
    expect((blocks[blocks.length - 1] as Y.XmlElement).nodeName).toBe('paragraph')
    expect((blocks[blocks.length - 1] as Y.XmlElement)._item!.id.client).toBe(424242)
    expect(doc.getXmlFragment(FRAGMENT_NAME).toString()).not.toBe(before)
    // Deletions: about a quarter of the edits, and only of its own characters.
    expect(deletions).toBeGreaterThan(50)
    const deleted = deletedChars(doc)
    expect([...deleted.keys()]).toEqual([424242])
    expect(deleted.get(424242)).toBeGreaterThan(deletions)
    expect(count(brackets(doc))).toBeGreaterThan(bracketsBefore + 15)
    const newMarks = elements(doc, 'delegation_mark').filter((m) => m._item!.id.client === 424242)
    expect(newMarks.length).toBeGreaterThan(15)
    expect(elements(doc, 'delegation_mark').length).toBe(marksBefore + newMarks.length)
    for (const m of newMarks) {
      expect(m.getAttribute('delegation')).toBe('IND')
      expect(['+', '-']).toContain(m.getAttribute('stance'))
    }
  })

  it('types instead of deleting before it has typed anything', () => {
    const spots = findSpots(seeded())
    // 0.6 is a deletion; with nothing of its own yet, the first edit types.
    const typist = new Typist(77, spots, 'CHN', () => 0.6)
    const first = Y.decodeUpdate(typist.next())
    expect(first.ds.clients.size).toBe(0)
    expect(first.structs.some((s) => s instanceof Y.Item && s.content instanceof Y.ContentString && s.content.str !== MARKER)).toBe(true)
    const typed = typist.ownChars
    expect(typed).toBeGreaterThan(0)
    // The next one deletes, within what the first typed (its clocks start at 0).
    const second = Y.decodeUpdate(typist.next())
    expect([...second.ds.clients.keys()]).toEqual([77])
    const [range] = second.ds.clients.get(77)!
    expect(range.clock + range.len).toBeLessThanOrEqual(typed)
    expect(typist.ownChars).toBe(typed - range.len)
  })

  it('converges with an editor and another typist whatever the delivery order', () => {
    const spots = findSpots(seeded())
    const gen = prng.create(11)
    const rand = () => prng.real53(gen)
    const a = new Typist(1001, spots, 'IND', rand)
    const b = new Typist(1002, spots, 'CHN', rand)
    const editor = seeded()
    editor.clientID = 1003
    const editorUpdates: Uint8Array[] = []
    editor.on('update', (u: Uint8Array) => editorUpdates.push(u))
    const updates: Uint8Array[] = []
    for (let i = 0; i < 100; i++) {
      updates.push(a.next(), b.next())
      const texts = editor.getXmlFragment(FRAGMENT_NAME).createTreeWalker((n) => n instanceof Y.XmlText)
      const t = [...texts][i % 50] as Y.XmlText
      t.insert(Math.floor(t.length / 2), 'x')
    }
    updates.push(...editorUpdates)
    const inOrder = seeded()
    for (const u of updates) Y.applyUpdate(inOrder, u)
    const peers = [0, 1, 2].map(() => seeded())
    for (const peer of peers) {
      // Each peer gets every update in its own random order.
      const order = [...updates.keys()]
      for (let i = order.length - 1; i > 0; i--) {
        const j = prng.uint32(gen, 0, i)
        ;[order[i], order[j]] = [order[j], order[i]]
      }
      for (const i of order) Y.applyUpdate(peer, updates[i])
    }
    const state = (p: Y.Doc) => p.getXmlFragment(FRAGMENT_NAME).toString()
    for (const p of peers) {
      expect(p.store.pendingStructs).toBeNull()
      expect(p.store.pendingDs).toBeNull()
      expect(state(p)).toBe(state(inOrder))
      expect(Y.encodeStateVector(p)).toEqual(Y.encodeStateVector(inOrder))
    }
    expect(markerText(inOrder, 1001)).toBe(MARKER.repeat(100))
    expect(markerText(inOrder, 1002)).toBe(MARKER.repeat(100))
  })

  it('refuses a client id that is not a uint32, and a code that is not one', () => {
    const spots = findSpots(seeded())
    expect(() => new Typist(-1, spots, 'IND')).toThrow(RangeError)
    expect(() => new Typist(2 ** 32, spots, 'IND')).toThrow(/2\d+/)
    expect(() => new Typist(1, spots, 'ind')).toThrow(/roster code/)
  })
})
