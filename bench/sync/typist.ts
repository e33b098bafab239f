// Edits written straight as Yjs v1 update bytes, for the load generator's many light clients.
//
// A Y.Doc of the 60 KB bench document is about 1 MB of heap; 190 of them in the load generator made
// its major GCs last 40–60 ms, and those pauses, not the servers, were most of the measured p99
// (`tailInGc` in the fan-out results). A Typist holds no document: it picks spots in the initial
// state (read once from one synced Y.Doc) and encodes each edit itself — an insertion between two
// characters, a deletion of a few characters, a new bracket element holding a word, or a
// delegation's position (`delegation_mark` with its attributes) — always with
// the `bench` map entry that says who typed it. The server integrates these exactly as an editor's
// updates: each is a valid update whose every reference is in the initial state or the typist's own
// earlier structs.

import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import { textNodes } from './seed-doc.ts'
import { FRAGMENT_NAME } from '../../shared/ydoc.ts'

// Yjs v1 struct info bits and content/type refs (yjs src/structs/Item.js, src/types/*).
const HAS_ORIGIN = 0x80
const HAS_RIGHT_ORIGIN = 0x40
const HAS_PARENT_SUB = 0x20
const CONTENT_STRING = 4
const CONTENT_TYPE = 7
const CONTENT_ANY = 8
const TYPE_XML_ELEMENT = 3
const TYPE_XML_TEXT = 6

type Id = readonly [client: number, clock: number]

/** Places in the initial state where edits can go. */
export interface Spots {
  /** Runs of at least two live characters: [client, first clock, length]. */
  runs: (readonly [number, number, number])[]
  /** Adjacent children of a block or bracket: [left item, right item]. */
  gaps: (readonly [Id, Id])[]
}

/** Reads the edit spots of a synced bench document. */
export function findSpots(ydoc: Y.Doc): Spots {
  const runs: Spots['runs'] = []
  const gaps: Spots['gaps'] = []
  for (const text of textNodes(ydoc)) {
    for (let item = text._start; item; item = item.right) {
      if (!item.deleted && item.content instanceof Y.ContentString && item.length >= 2) runs.push([item.id.client, item.id.clock, item.length])
    }
  }
  // Brackets go between the children of a block or bracket, never between blocks.
  const walk = (el: Y.XmlElement | Y.XmlFragment): void => {
    let prev: Y.Item | null = null
    for (let item = el._start; item; item = item.right) {
      if (item.deleted) continue
      if (prev && el instanceof Y.XmlElement) gaps.push([[prev.id.client, prev.id.clock], [item.id.client, item.id.clock]])
      prev = item
      const child = item.content instanceof Y.ContentType ? item.content.type : null
      if (child instanceof Y.XmlElement) walk(child)
    }
  }
  walk(ydoc.getXmlFragment(FRAGMENT_NAME))
  if (runs.length === 0 || gaps.length === 0) throw new RangeError(`document has ${runs.length} text runs and ${gaps.length} gaps: nothing to edit`)
  return { runs, gaps }
}

/** A random client ID, as a browser's Y.Doc picks one. */
export const randomClientId = () => Math.floor(Math.random() * 0xffffffff)

/** Delegations whose positions the benchmarks state. */
export const CODES = ['CHN', 'IND', 'RUS', 'ISR', 'TUR', 'IRAN', 'KAZ', 'PAK']

/** The words delegates type in the benchmarks. */
export const WORDS = ['shall', 'should', 'reaffirm', 'Member States', 'CICA', 'security', 'cooperation', 'the', 'and', 'of']
const pick = <T>(xs: readonly T[], rand: () => number): T => xs[Math.floor(rand() * xs.length)]
const writeId = (e: encoding.Encoder, [client, clock]: Id) => {
  encoding.writeVarUint(e, client)
  encoding.writeVarUint(e, clock)
}

/** One light client's typing: its client ID and next clock, and its `bench` map entry. */
export class Typist {
  private clock = 0
  private lastEntry: Id | null = null

  constructor (readonly client: number, private readonly spots: Spots, private readonly rand: () => number = Math.random) {
    if (!Number.isInteger(client) || client < 0 || client > 0xffffffff) throw new RangeError(`client id ${client} is not a uint32`)
  }

  /** [client, next clock]: what a peer's state vector holds for this typist once it has every edit. */
  get state(): readonly [number, number] {
    return [this.client, this.clock]
  }

  // Writes an XmlElement `name` at a random gap between inline children; returns its ID (the clock is
  // not advanced here: the caller counts the element with whatever it writes inside it).
  private newElement(structs: encoding.Encoder, name: string): Id {
    const [left, right] = pick(this.spots.gaps, this.rand)
    encoding.writeUint8(structs, CONTENT_TYPE | HAS_ORIGIN | HAS_RIGHT_ORIGIN)
    writeId(structs, left)
    writeId(structs, right)
    encoding.writeVarUint(structs, TYPE_XML_ELEMENT)
    encoding.writeVarString(structs, name)
    return [this.client, this.clock]
  }

  /**
   * The next edit as a v1 update: typing (55 %), deleting 1–3 characters (25 %), a new bracket
   * with a word (10 %) or a position such as (+CHN) (10 %), and `bench[who] = t`. Its first struct
   * is `client:clock` before the call.
   */
  next(who: number, t: number): Uint8Array {
    const e = encoding.createEncoder()
    const structs = encoding.createEncoder()
    const start = this.clock
    let count = 0
    let deletion: readonly [number, number, number] | null = null
    const r = this.rand()
    if (r < 0.55) {
      const [client, clock, length] = pick(this.spots.runs, this.rand)
      const at = clock + Math.floor(this.rand() * (length - 1))
      const word = pick(WORDS, this.rand)
      const text = this.rand() < 0.5 ? word.slice(0, 1 + Math.floor(this.rand() * 3)) : ` ${word}`
      encoding.writeUint8(structs, CONTENT_STRING | HAS_ORIGIN | HAS_RIGHT_ORIGIN)
      writeId(structs, [client, at])
      writeId(structs, [client, at + 1])
      encoding.writeVarString(structs, text)
      this.clock += text.length
      count++
    } else if (r < 0.8) {
      const [client, clock, length] = pick(this.spots.runs, this.rand)
      const len = Math.min(length, 1 + Math.floor(this.rand() * 3))
      deletion = [client, clock + Math.floor(this.rand() * (length - len + 1)), len]
    } else if (r < 0.9) {
      const bracket = this.newElement(structs, 'bracket')
      // Its XmlText child and the child's words: parent given by ID, as items without neighbours are.
      encoding.writeUint8(structs, CONTENT_TYPE)
      encoding.writeVarUint(structs, 0)
      writeId(structs, bracket)
      encoding.writeVarUint(structs, TYPE_XML_TEXT)
      const word = pick(WORDS, this.rand)
      encoding.writeUint8(structs, CONTENT_STRING)
      encoding.writeVarUint(structs, 0)
      writeId(structs, [this.client, this.clock + 1])
      encoding.writeVarString(structs, word)
      this.clock += 2 + word.length
      count += 3
    } else {
      // A position: the element, then its attributes as map entries of it (as y-prosemirror writes them).
      const mark = this.newElement(structs, 'delegation_mark')
      for (const [key, value] of [['delegation', pick(CODES, this.rand)], ['stance', this.rand() < 0.7 ? '+' : '-']]) {
        encoding.writeUint8(structs, CONTENT_ANY | HAS_PARENT_SUB)
        encoding.writeVarUint(structs, 0)
        writeId(structs, mark)
        encoding.writeVarString(structs, key)
        encoding.writeVarUint(structs, 1)
        encoding.writeAny(structs, value)
      }
      this.clock += 3
      count += 3
    }
    // bench[who] = t, after this typist's previous entry for the key (so the newest wins).
    if (this.lastEntry) {
      encoding.writeUint8(structs, CONTENT_ANY | HAS_ORIGIN)
      writeId(structs, this.lastEntry)
    } else {
      encoding.writeUint8(structs, CONTENT_ANY | HAS_PARENT_SUB)
      encoding.writeVarUint(structs, 1) // parent is a root type, by name
      encoding.writeVarString(structs, 'bench')
      encoding.writeVarString(structs, String(who))
    }
    encoding.writeVarUint(structs, 1)
    encoding.writeAny(structs, t)
    this.lastEntry = [this.client, this.clock]
    this.clock += 1
    count++

    encoding.writeVarUint(e, 1)
    encoding.writeVarUint(e, count)
    encoding.writeVarUint(e, this.client)
    encoding.writeVarUint(e, start)
    encoding.writeUint8Array(e, encoding.toUint8Array(structs))
    if (deletion) {
      encoding.writeVarUint(e, 1)
      encoding.writeVarUint(e, deletion[0])
      encoding.writeVarUint(e, 1)
      encoding.writeVarUint(e, deletion[1])
      encoding.writeVarUint(e, deletion[2])
    } else {
      encoding.writeVarUint(e, 0)
    }
    return encoding.toUint8Array(e)
  }
}
