// The storage contract on SQLite and PostgreSQL alike, issue 12: what loading a document would cost,
// known before decoding it (Storage.loadCost). A compacted state carries the struct count its holder
// gave; bytes nobody counted (the log, a state merged from rows) are reported as such, so that the
// server sends a document of many small structs off the loop at its first load (sync/room-load.ts).

import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { serverAttribution } from '../../server/documents.ts'
import { estimatedStructs, loadsOffLoop, LOAD_OFF_LOOP_BYTES, RELOAD_OFF_LOOP_STRUCTS, structCount } from '../../server/sync/room-load.ts'
import { newYDoc } from '../../shared/ydoc.ts'
import { addParagraph } from '../server/helpers.ts'
import { backend, KINDS, type Backend } from './backends.ts'

let current: Backend | null = null
afterEach(async () => {
  await current?.cleanup()
  current = null
})

describe.each(KINDS)('storage contract on %s: load cost', (kind) => {
  it('counts a state\'s structs when its holder gives them, and reports uncounted bytes otherwise', async () => {
    current = await backend(kind)
    const s = current.open()
    expect(s.loadCost!('nobody')).toBeNull()
    const source = newYDoc()
    const updates: Uint8Array[] = []
    source.on('update', (u: Uint8Array) => updates.push(u))
    addParagraph(source, 'first')
    s.createDoc('d', 'D', updates.splice(0)[0], serverAttribution([source.clientID]))
    let upto = 0
    for (let i = 0; i < 20; i++) {
      addParagraph(source, `p${i}`)
      for (const u of updates.splice(0)) upto = s.append('d', u, serverAttribution([source.clientID]))
    }
    // Only a log: every byte uncounted.
    const logOnly = s.loadCost!('d')!
    expect(logOnly.structs).toBe(0)
    expect(logOnly.uncountedBytes).toBe(logOnly.bytes)
    expect(logOnly.bytes).toBe(s.docBytes('d'))

    // Compacted from the holder's state with its count: the state's bytes are counted.
    const state = Y.encodeStateAsUpdate(source)
    const structs = structCount(source)
    expect(s.compact('d', { upto, encode: () => state, structs })).toBe(21)
    const counted = s.loadCost!('d')!
    expect(counted).toEqual({ bytes: state.byteLength, structs, uncountedBytes: 0 })

    // A later log row adds uncounted bytes beside the counted state.
    addParagraph(source, 'later')
    const later = updates.splice(0)[0]
    s.append('d', later, serverAttribution([source.clientID]))
    expect(s.loadCost!('d')).toEqual({ bytes: state.byteLength + later.byteLength, structs, uncountedBytes: later.byteLength })

    // Merged from rows (no holder): not counted, so the whole state is uncounted again.
    expect(s.compact('d')).toBe(1)
    const merged = s.loadCost!('d')!
    expect(merged.structs).toBe(0)
    expect(merged.uncountedBytes).toBe(merged.bytes)
    expect(s.verify().ok).toBe(true)

    // Another process (a second storage on the same meeting) reads the count as stored.
    addParagraph(source, 'again')
    const last = s.append('d', updates.splice(0)[0], serverAttribution([source.clientID]))
    const full = Y.encodeStateAsUpdate(source)
    expect(s.compact('d', { upto: last, encode: () => full, structs: structCount(source) })).toBe(1)
    expect(current.open().loadCost!('d')).toEqual({ bytes: full.byteLength, structs: structCount(source), uncountedBytes: 0 })
    source.destroy()
  })
})

describe('an older SQLite database', () => {
  it('gains the states\' struct count on open, its states uncounted until compacted again', async () => {
    current = await backend('sqlite')
    const s = current.open()
    const source = newYDoc()
    addParagraph(source, 'kept')
    s.createDoc('d', 'D', Y.encodeStateAsUpdate(source), serverAttribution([source.clientID]))
    expect(s.compact('d')).toBe(1)
    s.close()
    // As written before the column existed.
    expect(await current.raw('ALTER TABLE states DROP COLUMN structs')).toBeNull()
    const [a, b] = [current.open(), current.open()]
    const cost = a.loadCost!('d')!
    expect(cost.structs).toBe(0)
    expect(cost.uncountedBytes).toBe(cost.bytes)
    expect(b.loadCost!('d')).toEqual(cost)
    expect(a.verify().ok).toBe(true)
    source.destroy()
  })
})

describe('the first-load decision (room-load.ts)', () => {
  it('is taken by bytes, by counted structs, or by uncounted bytes at a dense estimate', () => {
    const few = { bytes: 1_000_000, structs: 5_000, uncountedBytes: 0 }
    expect(loadsOffLoop(few, LOAD_OFF_LOOP_BYTES)).toBe(false)
    expect(loadsOffLoop({ ...few, bytes: LOAD_OFF_LOOP_BYTES }, LOAD_OFF_LOOP_BYTES)).toBe(true)
    expect(loadsOffLoop({ ...few, structs: RELOAD_OFF_LOOP_STRUCTS }, LOAD_OFF_LOOP_BYTES)).toBe(true)
    // 1 MB nobody counted: assumed dense (a word-by-word text holds some 70,000 structs in 1 MB).
    expect(estimatedStructs({ bytes: 1_000_000, structs: 0, uncountedBytes: 1_000_000 })).toBeGreaterThan(70_000)
    expect(loadsOffLoop({ bytes: 1_000_000, structs: 0, uncountedBytes: 1_000_000 }, LOAD_OFF_LOOP_BYTES)).toBe(true)
    // A small uncounted log beside a counted state stays on the loop.
    expect(loadsOffLoop({ bytes: 60_000, structs: 2_000, uncountedBytes: 20_000 }, LOAD_OFF_LOOP_BYTES)).toBe(false)
  })
})
