import * as prng from 'lib0/prng'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CODES, findSpots, Typist } from '../../bench/sync/typist.ts'
import { seedUpdate } from '../../bench/sync/seed-doc.ts'
import { FRAGMENT_NAME, newYDoc } from '../../shared/ydoc.ts'

// The load generator's hand-encoded edits must be updates Yjs integrates completely: nothing left
// pending, every struct counted, the same result whichever order peers receive them in.

const SEED_UPDATE = seedUpdate()

function seeded(): Y.Doc {
  const d = newYDoc()
  Y.applyUpdate(d, SEED_UPDATE)
  return d
}

const elements = (d: Y.Doc, name: string) => [...d.getXmlFragment(FRAGMENT_NAME).createTreeWalker((n) => n instanceof Y.XmlElement && n.nodeName === name)] as Y.XmlElement[]
const brackets = (d: Y.Doc) => elements(d, 'bracket')
const count = (it: Iterable<unknown>) => [...it].length

describe('Typist (bench load generator)', () => {
  it('writes updates that integrate completely: inserts, deletions, brackets, positions and the map entry', () => {
    const doc = seeded()
    const spots = findSpots(doc)
    const gen = prng.create(7)
    const typist = new Typist(424242, spots, () => prng.real53(gen))
    const before = doc.getXmlFragment(FRAGMENT_NAME).toString()
    const bracketsBefore = count(brackets(doc))
    const marksBefore = elements(doc, 'delegation_mark').length
    let textChanges = 0
    for (let i = 0; i < 300; i++) {
      const prevText = doc.getXmlFragment(FRAGMENT_NAME).toString()
      const update = typist.next(5, 1000 + i)
      Y.applyUpdate(doc, update)
      expect(doc.store.pendingStructs, `edit ${i} left structs pending`).toBeNull()
      expect(doc.store.pendingDs, `edit ${i} left deletions pending`).toBeNull()
      expect(doc.getMap('bench').get('5')).toBe(1000 + i)
      if (doc.getXmlFragment(FRAGMENT_NAME).toString() !== prevText) textChanges++
    }
    // Every struct the typist wrote is in the document (the state is its next clock).
    const state = Y.getState(doc.store, 424242)
    const last = typist.next(5, 9999)
    expect(Y.decodeUpdate(last).structs[0].id).toEqual({ client: 424242, clock: state })
    expect(textChanges).toBeGreaterThan(250)
    expect(count(brackets(doc))).toBeGreaterThan(bracketsBefore + 15)
    const newMarks = elements(doc, 'delegation_mark').filter((m) => m._item!.id.client === 424242)
    expect(newMarks.length).toBeGreaterThan(15)
    expect(elements(doc, 'delegation_mark').length).toBe(marksBefore + newMarks.length)
    for (const m of newMarks) {
      expect(CODES).toContain(m.getAttribute('delegation'))
      expect(['+', '-']).toContain(m.getAttribute('stance'))
    }
    expect(doc.getXmlFragment(FRAGMENT_NAME).toString()).not.toBe(before)
  })

  it('converges with an editor and another typist whatever the delivery order', () => {
    const spots = findSpots(seeded())
    const gen = prng.create(11)
    const rand = () => prng.real53(gen)
    const a = new Typist(1001, spots, rand)
    const b = new Typist(1002, spots, rand)
    const editor = seeded()
    editor.clientID = 1003
    const editorUpdates: Uint8Array[] = []
    editor.on('update', (u: Uint8Array) => editorUpdates.push(u))
    const updates: Uint8Array[] = []
    for (let i = 0; i < 100; i++) {
      updates.push(a.next(1, i), b.next(2, i))
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
    const state = (p: Y.Doc) => p.getXmlFragment(FRAGMENT_NAME).toString() + JSON.stringify(p.getMap('bench').toJSON())
    for (const p of peers) {
      expect(p.store.pendingStructs).toBeNull()
      expect(p.store.pendingDs).toBeNull()
      expect(state(p)).toBe(state(inOrder))
      expect(Y.encodeStateVector(p)).toEqual(Y.encodeStateVector(inOrder))
    }
    expect(inOrder.getMap('bench').toJSON()).toEqual({ 1: 99, 2: 99 })
  })

  it('refuses a client id that is not a uint32', () => {
    const spots = findSpots(seeded())
    expect(() => new Typist(-1, spots)).toThrow(RangeError)
    expect(() => new Typist(2 ** 32, spots)).toThrow(/2\d+/)
  })
})
