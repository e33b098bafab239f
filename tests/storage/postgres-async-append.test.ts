// PostgreSQL storage's startAppendMany: an append whose commit runs while the caller's loop goes on.
// It settles on a later turn (or at once, blocking, through settle) with the ids a blocking append
// would have given; calls made meanwhile are answered as usual; a stale fence and an outage come
// out of settle() as they come out of appendMany, with nothing written.

import { afterEach, describe, expect, it } from 'vitest'
import { FencedError, StorageUnavailableError } from '../../server/storage/types.ts'
import { CALL_TIMEOUT_MS } from '../../server/storage/postgres/index.ts'
import type { AsyncAppend } from '../../server/storage/append-types.ts'
import { serverAttribution } from '../../server/documents.ts'
import * as Y from 'yjs'
import { FRAGMENT_NAME, newYDoc } from '../../shared/ydoc.ts'
import { backend, openWithDoc, type Backend } from './backends.ts'

let current: Backend | null = null
afterEach(async () => {
  await current?.cleanup()
  current = null
})

const settled = (call: { onSettled(done: () => void): void }) => new Promise<void>((resolve) => call.onSettled(resolve))

describe('PostgreSQL: appends started without blocking', () => {
  it('settles on a later turn with the next ids, while other calls are answered meanwhile', async () => {
    current = await backend('postgres')
    const { s, more } = openWithDoc(current)
    const async = s as typeof s & AsyncAppend
    const first = s.lastUpdateId('d')
    const call = async.startAppendMany('d', [{ update: more(), attribution: serverAttribution([1]) }, { update: more(), attribution: serverAttribution([1]) }])
    // A blocking call in between is answered (the started one's answer, if it comes first, waits for its turn).
    expect(s.getDoc('d')?.title).toBe('D')
    let fired = false
    const done = settled(call).then(() => { fired = true })
    expect(fired).toBe(false)
    await done
    expect(call.settle()).toEqual([first + 1, first + 2])
    expect(call.settle()).toEqual([first + 1, first + 2])
    expect(s.lastUpdateId('d')).toBe(first + 2)
    expect(s.verify().ok).toBe(true)
  })

  it('can be settled at once, blocking, and then never calls back inside the caller', async () => {
    current = await backend('postgres')
    const { s, more } = openWithDoc(current)
    const async = s as typeof s & AsyncAppend
    const first = s.lastUpdateId('d')
    const call = async.startAppendMany('d', [{ update: more(), attribution: serverAttribution([1]) }])
    let fired = false
    call.onSettled(() => { fired = true })
    expect(call.settle()).toEqual([first + 1])
    expect(fired).toBe(false)
    await new Promise((r) => setImmediate(r))
    expect(fired).toBe(true)
  })

  it('throws a stale fence from settle(), writing nothing', async () => {
    current = await backend('postgres')
    const { s, more } = openWithDoc(current)
    const async = s as typeof s & AsyncAppend
    const lease = s.acquireLease('d', 'A', 60_000)!
    const last = s.lastUpdateId('d')
    const call = async.startAppendMany('d', [{ update: more(), attribution: serverAttribution([1]) }], lease.fence + 1)
    await settled(call)
    expect(() => call.settle()).toThrow(FencedError)
    expect(s.lastUpdateId('d')).toBe(last)
  })

  it('keeps several started appends in order when settled one after another', async () => {
    current = await backend('postgres')
    const { s, more } = openWithDoc(current)
    const async = s as typeof s & AsyncAppend
    const first = s.lastUpdateId('d')
    const a = async.startAppendMany('d', [{ update: more(), attribution: serverAttribution([1]) }])
    expect(a.settle()).toEqual([first + 1])
    const b = async.startAppendMany('d', [{ update: more(), attribution: serverAttribution([1]) }])
    await settled(b)
    expect(b.settle()).toEqual([first + 2])
    expect(s.verify().ok).toBe(true)
  })

  it('settles with StorageUnavailableError when the database does not answer in time', { timeout: 30_000 }, async () => {
    current = await backend('postgres')
    const { s, more } = openWithDoc(current)
    const async = s as typeof s & AsyncAppend
    // Another session holds the counters every append locks: this one waits past the call timeout.
    const locker = await current.hold('SELECT * FROM counters FOR UPDATE')
    const started = performance.now()
    try {
      const call = async.startAppendMany('d', [{ update: more(), attribution: serverAttribution([1]) }])
      await settled(call)
      expect(performance.now() - started).toBeGreaterThanOrEqual(CALL_TIMEOUT_MS - 50)
      expect(() => call.settle()).toThrow(StorageUnavailableError)
      expect(() => call.settle()).toThrow(/did not answer within 5 s \(appendMany\)/)
    } finally {
      await locker.release()
    }
    // Later calls work; the abandoned append may still land once the lock goes, as a blocking one's may.
    expect(s.getDoc('d')?.title).toBe('D')
  })

  it('waits a bounded time for the answer without giving the call up', { timeout: 30_000 }, async () => {
    current = await backend('postgres')
    const { s, more } = openWithDoc(current)
    const async = s as typeof s & AsyncAppend
    const first = s.lastUpdateId('d')
    const quick = async.startAppendMany('d', [{ update: more(), attribution: serverAttribution([1]) }])
    expect(quick.waitAtMost(2_000)).toBe(true)
    expect(quick.settle()).toEqual([first + 1])
    const locker = await current.hold('SELECT * FROM counters FOR UPDATE')
    let call
    try {
      call = async.startAppendMany('d', [{ update: more(), attribution: serverAttribution([1]) }])
      const before = performance.now()
      expect(call.waitAtMost(100)).toBe(false)
      expect(performance.now() - before).toBeLessThan(1_000)
      expect(call.waitAtMost(0)).toBe(false)
    } finally {
      await locker.release()
    }
    // Still waiting, not given up: it lands once the lock goes.
    await settled(call)
    expect(call.settle()).toEqual([first + 2])
    expect(() => quick.waitAtMost(-1)).toThrow(RangeError)
  })

  it('compacts without blocking: the caller\'s state stored up to its update, later rows kept', async () => {
    current = await backend('postgres')
    const { s, more, source } = openWithDoc(current)
    const async = s as typeof s & AsyncAppend
    for (let i = 0; i < 5; i++) s.append('d', more(), serverAttribution([source.clientID]))
    const upto = s.lastUpdateId('d')
    const first = async.startCompact('d', { upto, state: Y.encodeStateAsUpdate(source), structs: 1234 })
    await settled(first)
    expect(first.settle()).toBe(6)
    expect(s.pendingCount('d')).toBe(0)
    expect(s.loadCost('d')).toMatchObject({ structs: 1234, uncountedBytes: 0 })
    // The state at one update, two appended since (as while a room's next append commits): the
    // state covers the first, the second stays in the log.
    const at = s.append('d', more(), serverAttribution([source.clientID]))
    const stateAt = Y.encodeStateAsUpdate(source)
    s.append('d', more(), serverAttribution([source.clientID]))
    expect(async.startCompact('d', { upto: at, state: stateAt, structs: 77 }).settle()).toBe(1)
    expect(s.pendingCount('d')).toBe(1)
    expect(s.loadCost('d')!.structs).toBe(77)
    const loaded = s.load('d')!
    expect(loaded.upto).toBe(at + 1)
    const doc = newYDoc()
    for (const u of loaded.updates) Y.applyUpdate(doc, u)
    expect(doc.getXmlFragment(FRAGMENT_NAME).toString()).toBe(source.getXmlFragment(FRAGMENT_NAME).toString())
    expect(doc.getXmlFragment(FRAGMENT_NAME).toString()).toContain('more')
    expect(s.verify().ok).toBe(true)
    // Without a state the rows are merged (and stored without a count); with nothing left, 0.
    expect(async.startCompact('d').settle()).toBe(1)
    expect(s.loadCost('d')!.structs).toBe(0)
    expect(async.startCompact('d').settle()).toBe(0)
  })
})
