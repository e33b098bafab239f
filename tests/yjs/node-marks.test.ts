import { afterAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as Y from 'yjs'
import { prosemirrorToYXmlFragment } from 'y-prosemirror'
import { normalisePodiumText, parsePodium, serializePodium } from '../../shared/format/index.ts'
import { counterIds } from '../../shared/ids.ts'
import { schema } from '../../shared/schema.ts'
import { liftNodeMarks, lowerNodeMarks } from '../../shared/node-marks.ts'
import { FRAGMENT_NAME, newYDoc, readDocFromY, updateYFromDoc, writeDocToY } from '../../shared/ydoc.ts'
import { openSqliteStorage } from '../../server/storage/sqlite.ts'
import { createDocument, loadStoredYDoc, podiumText } from '../../server/documents.ts'
import { DEFAULT_ROSTER } from '../../shared/roster.ts'
import { podiumDoc, podiumishText } from '../helpers/arbitraries.ts'
import { withoutIds } from '../helpers/builders.ts'
import { SEED } from '../helpers/seed.ts'

// The live path: podium text → document → Yjs → an encoded update (what storage and browsers get)
// → a fresh Y.Doc → document → podium text. Marks on brackets, positions and notes used to vanish
// on the way (y-prosemirror keeps marks on text only); they now travel as a `marks` attribute.

const parse = (t: string) => parsePodium(t, { ids: counterIds() }).doc

function throughYjs(doc: ReturnType<typeof parse>) {
  const a = newYDoc()
  writeDocToY(doc, a)
  const b = newYDoc()
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
  return readDocFromY(b)
}

const dirs: string[] = []
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }) })

describe('marks on brackets, positions and notes through Yjs', () => {
  it('keeps emphasis, strong and deletion on whole brackets, positions and notes', () => {
    const text = '*[Decides]* that Parties **[shall]** include ~~[information]~~;\n\n~~(+IND)~~ and *(IND: keep original)* ***[both]***\n'
    const back = throughYjs(parse(text))
    expect(serializePodium(back)).toBe(text)
    back.check()
  })

  it('stores the marks as the node attribute in Yjs and as ProseMirror marks outside', () => {
    const a = newYDoc()
    writeDocToY(parse('~~[information]~~ (+IND)'), a)
    const para = a.getXmlFragment(FRAGMENT_NAME).get(0) as Y.XmlElement
    const bracket = para.toArray().find((n) => n instanceof Y.XmlElement) as Y.XmlElement
    expect(bracket.getAttribute('marks')).toBe('deletion')
    const back = readDocFromY(a)
    const node = back.firstChild!.firstChild!
    expect(node.type.name).toBe('bracket')
    expect(node.marks.map((m) => m.type.name)).toEqual(['deletion'])
    expect(node.attrs.marks).toBeNull()
  })

  it('stray asterisks next to notes and positions do not spread emphasis over them', () => {
    for (const text of ['***; (RUS, CHAIR, JORDAN: Азия); (-IND)\n', '*a ***; (RUS, CHAIR, JORDAN: Азия); (-IND) b*\n', '**; (RUS: x) *; (-IND)*\n']) {
      expect(serializePodium(throughYjs(parse(text)))).toBe(text)
    }
  })

  it('the seed survives byte for byte', () => {
    expect(serializePodium(throughYjs(parse(SEED)))).toBe(normalisePodiumText(SEED))
  })

  it('random documents with marks on brackets, positions and notes survive unchanged (property)', () => {
    fc.assert(fc.property(podiumDoc, (d) => {
      const back = throughYjs(d)
      expect(withoutIds(back)).toEqual(withoutIds(d))
      expect(serializePodium(back)).toBe(serializePodium(d))
    }), { numRuns: 500, seed: 1414 })
  })

  it('every text podium convert keeps also survives the live path (property)', () => {
    fc.assert(fc.property(podiumishText, (t) => {
      expect(serializePodium(throughYjs(parse(t)))).toBe(normalisePodiumText(t))
    }), { numRuns: 1000, seed: 1415 })
  })

  it('updateYFromDoc adds and removes the marks of an existing bracket', () => {
    const y = newYDoc()
    writeDocToY(parse('PP1. [information] (+IND)'), y)
    const struck = parse('PP1. ~~[information]~~ (+IND)')
    updateYFromDoc(y, struck)
    expect(podiumText(y)).toBe('PP1. ~~[information]~~ (+IND)\n')
    updateYFromDoc(y, parse('PP1. [information] *(+IND)*'))
    expect(podiumText(y)).toBe('PP1. [information] *(+IND)*\n')
  })

  it('lift and lower are inverse and the lifted form passes the schema check', () => {
    fc.assert(fc.property(podiumDoc, (d) => {
      const lifted = liftNodeMarks(d)
      lifted.check()
      lifted.descendants((n) => { if (!n.isText) expect(n.marks).toEqual([]); return true })
      expect(lowerNodeMarks(lifted).eq(d)).toBe(true)
    }), { numRuns: 300, seed: 3 })
  })

  it('the schema refuses a marks attribute that is not a list of known marks in order', () => {
    for (const bad of ['bold', 'strong deletion', 'deletion deletion', '', 5, ['deletion'], 'deletion  strong']) {
      expect(() => schema.nodes.bracket.create({ marks: bad as never }).check()).toThrow()
    }
    expect(() => schema.nodes.bracket.create({ marks: 'deletion strong emphasis' }).check()).not.toThrow()
  })

  it('through SQLite storage: import → stored log → export is byte for byte (property, 60 documents)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'podium-marks-'))
    dirs.push(dir)
    const storage = openSqliteStorage(dir)
    try {
      let n = 0
      fc.assert(fc.property(podiumishText, (t) => {
        fc.pre(t.trim().length > 0)
        const name = `d${n++}`
        expect(createDocument(storage, name, name, t, DEFAULT_ROSTER).ok).toBe(true)
        const y = loadStoredYDoc(storage, name)!
        expect(podiumText(y)).toBe(normalisePodiumText(t))
        y.destroy()
      }), { numRuns: 60, seed: 1416 })
      const seedOk = createDocument(storage, 'seed', 'seed', SEED, DEFAULT_ROSTER)
      expect(seedOk.ok).toBe(true)
      const y = loadStoredYDoc(storage, 'seed')!
      expect(podiumText(y)).toBe(normalisePodiumText(SEED))
    } finally {
      storage.close()
    }
  })

  it('a document stored before the marks attribute existed still loads as it was', () => {
    // Written the old way: y-prosemirror straight, so the bracket's mark was dropped.
    const old = newYDoc()
    prosemirrorToYXmlFragment(parse('PP1. ~~[information]~~ (+IND)'), old.getXmlFragment(FRAGMENT_NAME))
    const fresh = newYDoc()
    Y.applyUpdate(fresh, Y.encodeStateAsUpdate(old))
    expect(podiumText(fresh)).toBe('PP1. [information] (+IND)\n')
  })
})
