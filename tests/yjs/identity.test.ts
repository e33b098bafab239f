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

  it('refuses to write into a Y.Doc that already holds a document', () => {
    const ydoc = newYDoc()
    writeDocToY(parsePodium('PP1. x').doc, ydoc)
    expect(() => writeDocToY(parsePodium('PP2. y').doc, ydoc)).toThrow(RangeError)
  })
})
