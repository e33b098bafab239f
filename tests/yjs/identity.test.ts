import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { parsePodium, serializePodium } from '../../shared/format/index.ts'
import { FRAGMENT_NAME, newYDoc, readDocFromY, writeDocToY } from '../../shared/ydoc.ts'
import { SEED } from '../helpers/seed.ts'

describe('ProseMirror ↔ Yjs', () => {
  it('PM → Y → PM is the identity on the whole seed, ids and attributes included', () => {
    const { doc } = parsePodium(SEED)
    const ydoc = newYDoc()
    writeDocToY(doc, ydoc)
    const back = readDocFromY(ydoc)
    expect(back.toJSON()).toEqual(doc.toJSON())
    expect(back.eq(doc)).toBe(true)
  })

  it('survives encoding the Y.Doc as an update and loading it into a fresh one', () => {
    const { doc } = parsePodium(SEED)
    const a = newYDoc()
    writeDocToY(doc, a)
    const b = newYDoc()
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
    expect(b.getXmlFragment(FRAGMENT_NAME).length).toBe(doc.childCount)
    expect(serializePodium(readDocFromY(b))).toBe(serializePodium(doc))
  })

  it('reads a document holding elements the schema does not know without changing the Y.Doc', () => {
    const ydoc = newYDoc()
    writeDocToY(parsePodium('PP1. Agreed.\n\nPP2. [Open] (+IND)').doc, ydoc)
    const fragment = ydoc.getXmlFragment(FRAGMENT_NAME)
    // What a faulty or hostile client could send: an unknown element, and a block inside a bracket.
    const bad = new Y.XmlElement('script')
    bad.insert(0, [new Y.XmlText('alert(1)')])
    const nested = new Y.XmlElement('paragraph')
    nested.insert(0, [new Y.XmlText('inner')])
    const outer = new Y.XmlElement('paragraph')
    const bracket = new Y.XmlElement('bracket')
    bracket.insert(0, [nested])
    outer.insert(0, [new Y.XmlText('PP3. '), bracket])
    fragment.push([bad, outer])
    const before = Y.encodeStateAsUpdate(ydoc)
    const doc = readDocFromY(ydoc)
    doc.check()
    expect(Y.encodeStateAsUpdate(ydoc)).toEqual(before)
    expect(serializePodium(doc)).toBe('PP1. Agreed.\n\nPP2. [Open] (+IND)\n\nalert(1)\n\nPP3. inner\n')
  })

  it('refuses to write into a Y.Doc that already holds a document', () => {
    const ydoc = newYDoc()
    writeDocToY(parsePodium('PP1. x').doc, ydoc)
    expect(() => writeDocToY(parsePodium('PP2. y').doc, ydoc)).toThrow(RangeError)
  })
})
