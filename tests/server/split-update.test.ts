// work/split-update.ts: a large update cut into pieces that, applied in order, give the same document
// and never leave a struct waiting for another (property test over random concurrent editing).

import * as Y from 'yjs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DELETE_RANGES_PER_PIECE, splitUpdate, STRUCTS_PER_PIECE } from '../../server/work/split-update.ts'
import { applyAsStored } from '../../server/sync/room-load.ts'

// Three replicas editing text, nested elements, attributes and a map, synced now and then.
function randomHistory(seed: number, steps: number): Uint8Array {
  const rand = fc.sample(fc.array(fc.nat(1_000_000), { minLength: steps * 4, maxLength: steps * 4 }), { seed, numRuns: 1 })[0]
  let r = 0
  const next = (n: number) => rand[r++ % rand.length] % n
  const docs = [0, 1, 2].map((i) => new Y.Doc({ gc: false }))
  docs.forEach((d, i) => { d.clientID = 100 + i })
  for (let s = 0; s < steps; s++) {
    const d = docs[next(3)]
    const frag = d.getXmlFragment('prosemirror')
    const op = next(6)
    if (op === 0 || frag.length === 0) {
      const p = new Y.XmlElement('paragraph')
      p.setAttribute('id', `p${s}`)
      p.insert(0, [new Y.XmlText('word '.repeat(1 + next(5)))])
      frag.insert(next(frag.length + 1), [p])
    } else if (op === 1) {
      frag.delete(next(frag.length), 1)
    } else if (op === 2 || op === 3) {
      const p = frag.get(next(frag.length)) as Y.XmlElement
      const t = p.get(0) as Y.XmlText | undefined
      if (t instanceof Y.XmlText) {
        if (op === 2) t.insert(next(t.length + 1), 'abc', next(2) ? { strong: true } : undefined)
        else if (t.length > 0) t.delete(next(t.length), Math.min(t.length, 1 + next(3)))
      }
    } else if (op === 4) {
      (frag.get(next(frag.length)) as Y.XmlElement).setAttribute('label', `L${s}`)
    } else {
      d.getMap('meta').set(`k${next(4)}`, { n: s, list: [s, 'x'] })
    }
    if (next(4) === 0) {
      const [a, b] = [docs[next(3)], docs[next(3)]]
      Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)))
    }
  }
  return Y.mergeUpdates(docs.map((d) => Y.encodeStateAsUpdate(d)))
}

describe('splitUpdate', () => {
  it('pieces applied in order build the same document, none waiting for a later one', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 1, max: 400 }), (seed, maxBytes) => {
      const update = randomHistory(seed, 120)
      const pieces = splitUpdate(update, maxBytes)
      // Applied as the room applies them (applyAsStored): without Yjs's clean-up of formatting after a
      // remote transaction, which deletes (in memory only) marks that look redundant in a partial text.
      const whole = new Y.Doc({ gc: false })
      applyAsStored(whole, update, null)
      const built = new Y.Doc({ gc: false })
      for (const p of pieces) {
        applyAsStored(built, p, null)
        expect(built.store.pendingStructs).toBeNull()
        expect(built.store.pendingDs).toBeNull()
      }
      // The same structs and deletions (items may be merged differently, so the encodings can differ).
      expect(Y.equalSnapshots(Y.snapshot(built), Y.snapshot(whole))).toBe(true)
      expect(built.getMap('meta').toJSON()).toEqual(whole.getMap('meta').toJSON())
      expect(built.getXmlFragment('prosemirror').toString()).toBe(whole.getXmlFragment('prosemirror').toString())
      if (maxBytes < 50) expect(pieces.length).toBeGreaterThan(3)
    }), { numRuns: 60, seed: 12 })
  })

  it('caps each piece\'s structs and deleted ranges, whatever their bytes, the deletions last', () => {
    // Two clients typing 5,000 one-letter structs in turn (many small structs in few bytes),
    // then deleting every other letter of one of them (1,250 ranges of its clocks).
    const doc = new Y.Doc({ gc: false })
    const text = doc.getText('t')
    for (let i = 0; i < 5000; i++) {
      doc.clientID = 1 + (i % 2)
      text.insert(i, 'x')
    }
    doc.clientID = 3
    for (let i = 1249; i >= 0; i--) text.delete(i * 4, 1)
    const update = Y.encodeStateAsUpdate(doc)
    const pieces = splitUpdate(update, 1024 * 1024)
    let structs = 0
    let ranges = 0
    let seenDeletions = false
    for (const p of pieces) {
      const { structs: s, ds } = Y.decodeUpdate(p) as unknown as { structs: unknown[]; ds: { clients: Map<number, unknown[]> } }
      const r = [...ds.clients.values()].reduce((n, items) => n + items.length, 0)
      expect(s.length).toBeLessThanOrEqual(STRUCTS_PER_PIECE)
      expect(r).toBeLessThanOrEqual(DELETE_RANGES_PER_PIECE)
      if (r > 0) seenDeletions = true
      else expect(seenDeletions).toBe(false)
      structs += s.length
      ranges += r
    }
    const whole = Y.decodeUpdate(update) as unknown as { structs: unknown[]; ds: { clients: Map<number, unknown[]> } }
    expect(structs).toBe(whole.structs.length)
    expect(ranges).toBe([...whole.ds.clients.values()].reduce((n, items) => n + items.length, 0))
    expect(ranges).toBeGreaterThan(DELETE_RANGES_PER_PIECE)
    const built = new Y.Doc({ gc: false })
    for (const p of pieces) applyAsStored(built, p, null)
    expect(built.getText('t').toString()).toBe(text.toString())
  })

  it('refuses a bound that is not a positive number', () => {
    expect(() => splitUpdate(new Uint8Array([0, 0]), 0)).toThrow(RangeError)
  })
})
