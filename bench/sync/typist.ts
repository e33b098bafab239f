// Edits written straight as Yjs v1 update bytes, for the load generator's many light clients.
//
// A Y.Doc of the 60 KB bench document is about 1 MB of heap; 190 of them in the load generator made
// its major GCs last 40–60 ms, and those pauses, not the servers, were most of the measured p99
// (`tailInGc` in the fan-out results). A Typist holds no document: it picks spots in the initial
// state (read once from one synced Y.Doc) and encodes each edit itself — an insertion between two
// characters (a word of its own before a space, or letters inside a word), a deletion of 1–3
// letters of a word it typed itself earlier, a new bracket element holding a word, or its own
// delegation's position (`delegation_mark` with its attributes).
//
// Every edit keeps Podium's trust rules for a delegation (shared/trust/authority.ts): only the podium
// fragment is touched, positions name the typist's own delegation (a roster code), and it deletes
// only its own words. Every edit also carries a struct the load generator can find it by (the update's
// first struct is `client:clock`, see edits.ts), even a deletion: the typist's *marker*. On its first
// edit a typist adds its own paragraph at the end of the document (a top-level <paragraph> holding an
// XmlText, after the last block of the initial state), and every edit then appends one character
// ('.') to that paragraph, after its previous one. That is ordinary content a delegation may type;
// it replaced a `bench` Y.Map entry (`bench[who] = t`), which Podium now refuses as a root type other
// than the text. The server integrates these exactly as an editor's updates: each is a valid update
// whose every reference is in the initial state or the typist's own earlier structs.

import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import { textNodes } from './seed-doc.ts'
import { FRAGMENT_NAME } from '../../shared/ydoc.ts'
import { CODE_PATTERN } from '../../shared/roster.ts'

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
  /**
   * Where a word of its own can be typed: the last letter of a word of the initial text whose next
   * character is a space (client, clock pairs; the space is at clock + 1). " word" typed there is a
   * word by itself, between its own space and the text's.
   */
  wordEnds: Float64Array
  /** Where letters can be typed into a word of the initial text: a letter whose next character is a letter (client, clock pairs). */
  inWords: Float64Array
  /** Adjacent children of a block or bracket: [left item, right item]. */
  gaps: (readonly [Id, Id])[]
  /** The last top-level block: typists' own paragraphs go after it. */
  end: Id
}

const SPACE = /\s/

/** Reads the edit spots of a synced bench document. */
export function findSpots(ydoc: Y.Doc): Spots {
  const wordEnds: number[] = []
  const inWords: number[] = []
  const gaps: Spots['gaps'] = []
  let end: Id | null = null
  for (const text of textNodes(ydoc)) {
    for (let item = text._start; item; item = item.right) {
      if (item.deleted || !(item.content instanceof Y.ContentString)) continue
      const str = item.content.str
      const { client, clock } = item.id
      for (let i = 0; i + 1 < str.length; i++) {
        if (SPACE.test(str[i])) continue
        if (SPACE.test(str[i + 1])) wordEnds.push(client, clock + i)
        else inWords.push(client, clock + i)
      }
    }
  }
  // Brackets go between the children of a block or bracket, never between blocks.
  const fragment = ydoc.getXmlFragment(FRAGMENT_NAME)
  const walk = (el: Y.XmlElement | Y.XmlFragment): void => {
    let prev: Y.Item | null = null
    for (let item = el._start; item; item = item.right) {
      if (item.deleted) continue
      if (prev && el instanceof Y.XmlElement) gaps.push([[prev.id.client, prev.id.clock], [item.id.client, item.id.clock]])
      prev = item
      if (el === fragment) end = [item.id.client, item.id.clock + item.length - 1]
      const child = item.content instanceof Y.ContentType ? item.content.type : null
      if (child instanceof Y.XmlElement) walk(child)
    }
  }
  walk(fragment)
  if (wordEnds.length === 0 || inWords.length === 0 || gaps.length === 0 || !end) throw new RangeError(`document has ${wordEnds.length / 2} word ends, ${inWords.length / 2} letters inside words and ${gaps.length} gaps: nothing to edit`)
  return { wordEnds: Float64Array.from(wordEnds), inWords: Float64Array.from(inWords), gaps, end }
}

/** A random client ID, as a browser's Y.Doc picks one. */
export const randomClientId = () => Math.floor(Math.random() * 0xffffffff)

/** Delegations whose positions the benchmarks state where any may (the pen; servers without trust rules): roster codes only. */
export const CODES = ['CHN', 'IND', 'RUS', 'ISR', 'TUR', 'IRAN', 'EGY', 'PAK']

/** The character a client appends to its own paragraph with every edit (see the top of this file). */
export const MARKER = '.'

/** The words delegates type in the benchmarks. */
export const WORDS = ['shall', 'should', 'reaffirm', 'Member States', 'CICA', 'security', 'cooperation', 'the', 'and', 'of']
const pick = <T>(xs: readonly T[], rand: () => number): T => xs[Math.floor(rand() * xs.length)]
const writeId = (e: encoding.Encoder, [client, clock]: Id) => {
  encoding.writeVarUint(e, client)
  encoding.writeVarUint(e, clock)
}

/**
 * One light client's typing for delegation `code`: its client ID and next clock, the runs of text
 * it typed that are still there (what it may delete), and its marker paragraph.
 */
export class Typist {
  private clock = 0
  /** The typist's last marker character, once it has its paragraph. */
  private lastMarker: Id | null = null
  /** The letters of its own words still in the document: [first clock, length] (never their leading space, so they stay words of their own). */
  private readonly own: [number, number][] = []

  constructor (readonly client: number, private readonly spots: Spots, readonly code: string, private readonly rand: () => number = Math.random) {
    if (!Number.isInteger(client) || client < 0 || client > 0xffffffff) throw new RangeError(`client id ${client} is not a uint32`)
    if (!CODE_PATTERN.test(code)) throw new RangeError(`delegation code ${JSON.stringify(code)} is not a roster code`)
  }

  /** [client, next clock]: what a peer's state vector holds for this typist once it has every edit. */
  get state(): readonly [number, number] {
    return [this.client, this.clock]
  }

  /** Characters of its own typing it could still delete. */
  get ownChars(): number {
    let n = 0
    for (const [, len] of this.own) n += len
    return n
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

  // Takes 1–3 characters out of one of its own runs; returns the deleted range.
  private takeOwn(): readonly [number, number, number] {
    const i = Math.floor(this.rand() * this.own.length)
    const [clock, length] = this.own[i]
    const len = Math.min(length, 1 + Math.floor(this.rand() * 3))
    const at = clock + Math.floor(this.rand() * (length - len + 1))
    const rest: [number, number][] = []
    if (at > clock) rest.push([clock, at - clock])
    if (at + len < clock + length) rest.push([at + len, clock + length - at - len])
    this.own.splice(i, 1, ...rest)
    return [this.client, at, len]
  }

  /**
   * The next edit as a v1 update: typing (55 %: half a word of its own, half letters into a word),
   * deleting 1–3 letters of its own words (25 %; typing while it has none), a new bracket with a word (10 %) or its delegation's position
   * such as (+CHN) (10 %), and one marker character in its own paragraph. Its first struct is
   * `client:clock` before the call.
   */
  next(): Uint8Array {
    const e = encoding.createEncoder()
    const structs = encoding.createEncoder()
    const start = this.clock
    let count = 0
    let deletion: readonly [number, number, number] | null = null
    const r = this.rand()
    if (r < 0.55 || (r < 0.8 && this.own.length === 0)) {
      // Half the time a word of its own, " word" before a space of the text (its letters are what it
      // may delete later); else 1–3 letters into a word of the text (which Podium then counts as
      // that word's author's: a delegation may not delete letters it typed into others' words).
      const word = pick(WORDS, this.rand)
      const own = this.rand() >= 0.5
      const spots = own ? this.spots.wordEnds : this.spots.inWords
      const k = 2 * Math.floor(this.rand() * (spots.length / 2))
      const client = spots[k]
      const at = spots[k + 1]
      const text = own ? ` ${word}` : word.slice(0, 1 + Math.floor(this.rand() * 3))
      encoding.writeUint8(structs, CONTENT_STRING | HAS_ORIGIN | HAS_RIGHT_ORIGIN)
      writeId(structs, [client, at])
      writeId(structs, [client, at + 1])
      encoding.writeVarString(structs, text)
      if (own) this.own.push([this.clock + 1, text.length - 1])
      this.clock += text.length
      count++
    } else if (r < 0.8) {
      deletion = this.takeOwn()
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
      for (const [key, value] of [['delegation', this.code], ['stance', this.rand() < 0.7 ? '+' : '-']]) {
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
    // The marker: one character after the previous one, in the typist's own paragraph (made now, on
    // its first edit, after the last block of the initial state).
    if (this.lastMarker) {
      encoding.writeUint8(structs, CONTENT_STRING | HAS_ORIGIN)
      writeId(structs, this.lastMarker)
    } else {
      encoding.writeUint8(structs, CONTENT_TYPE | HAS_ORIGIN)
      writeId(structs, this.spots.end)
      encoding.writeVarUint(structs, TYPE_XML_ELEMENT)
      encoding.writeVarString(structs, 'paragraph')
      encoding.writeUint8(structs, CONTENT_TYPE)
      encoding.writeVarUint(structs, 0)
      writeId(structs, [this.client, this.clock])
      encoding.writeVarUint(structs, TYPE_XML_TEXT)
      encoding.writeUint8(structs, CONTENT_STRING)
      encoding.writeVarUint(structs, 0)
      writeId(structs, [this.client, this.clock + 1])
      this.clock += 2
      count += 2
    }
    encoding.writeVarString(structs, MARKER)
    this.lastMarker = [this.client, this.clock]
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
