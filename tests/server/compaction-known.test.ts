import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { openSqliteStorage } from '../../server/storage/sqlite.ts'
import { serverAttribution } from '../../server/documents.ts'
import { newYDoc } from '../../shared/ydoc.ts'
import { addParagraph, cleanupDirs, content, tempDir } from './helpers.ts'

afterEach(cleanupDirs)

// The live room compacts from its own Y.Doc instead of merging the rows; storage must take that
// encoding only when the log ends where the room's knowledge ends.
function setup() {
  const dir = tempDir()
  const storage = openSqliteStorage(dir)
  const source = newYDoc()
  const updates: Uint8Array[] = []
  source.on('update', (u: Uint8Array) => updates.push(u))
  addParagraph(source, 'first')
  storage.createDoc('d', 'D', updates.shift()!, serverAttribution([source.clientID]))
  let last = 0
  const type = (n: number, into = storage) => {
    for (let i = 0; i < n; i++) addParagraph(source, `p${Math.random()}`)
    while (updates.length) last = into.append('d', updates.shift()!, serverAttribution([source.clientID]))
    return last
  }
  const rebuild = () => {
    const copy = newYDoc()
    for (const u of storage.load('d')!.updates) Y.applyUpdate(copy, u)
    return copy
  }
  return { dir, storage, source, type, rebuild }
}

describe('compaction from the holder\'s state', () => {
  it('stores the holder\'s encoding when the log ends at its upto, and reports the rows merged', () => {
    const { storage, source, type, rebuild } = setup()
    const upto = type(30)
    expect(storage.load('d')!.upto).toBe(upto)
    let encoded = 0
    const state = Y.encodeStateAsUpdate(source)
    expect(storage.compact('d', { upto, encode: () => { encoded++; return state } })).toBe(31)
    expect(encoded).toBe(1)
    const loaded = storage.load('d')!
    expect(loaded.updates).toEqual([state])
    expect(loaded.upto).toBe(upto)
    expect(content(rebuild())).toBe(content(source))
    // Nothing new: nothing to do, and the encoding is not asked for.
    expect(storage.compact('d', { upto, encode: () => { encoded++; return state } })).toBe(0)
    expect(encoded).toBe(1)
  })

  it('merges the rows instead when another writer appended after the holder\'s upto', () => {
    const { dir, storage, source, type, rebuild } = setup()
    const upto = type(10)
    const holder = Y.encodeStateAsUpdate(source)
    // Another process (the CLI) appends to the same database.
    const other = openSqliteStorage(dir)
    type(5, other)
    other.close()
    let encoded = 0
    expect(storage.compact('d', { upto, encode: () => { encoded++; return holder } })).toBe(16)
    expect(encoded).toBe(0)
    expect(storage.load('d')!.updates).toHaveLength(1)
    // The other writer's paragraphs are kept: the stored state has all 16 paragraphs.
    expect(content(rebuild())).toBe(content(source))
    expect(storage.load('d')!.upto).toBeGreaterThan(upto)
  })
})
