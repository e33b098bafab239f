// Issue 12: the first load of a document of very many small structs under 2 MiB (a text edited word by
// word by 40 delegations: ~139,000 structs in 2 MB, some 0.4 s of building). Its bytes alone used to
// keep it on the sync loop; now its stored load cost (structs counted at compaction, or estimated from
// uncounted bytes) sends it to the loader worker, and a live edit's round trip on another document stays
// under 100 ms throughout. The room's compaction then records the count, and a document of few structs
// with the same bytes is loaded on the loop as before.

import { afterAll, describe, expect, it } from 'vitest'
import { serverAttribution } from '../../server/documents.ts'
import { estimatedStructs, LOAD_OFF_LOOP_BYTES, RELOAD_OFF_LOOP_STRUCTS } from '../../server/sync/room-load.ts'
import type { Room } from '../../server/sync/room.ts'
import { addParagraph, cleanupDirs, connect, content, destroyAll, start, synced, token, waitFor } from './helpers.ts'
import { askEverything, editedText, expectLive, joinInChild, liveEdits, loopStall, paragraphsUpdate, RTT_MS } from './resilience-helpers.ts'

afterAll(cleanupDirs)

describe('a document of many small structs', () => {
  it('is first loaded off the loop: a live edit elsewhere stays under 100 ms; its struct count is stored for the next load', async () => {
    const state = editedText(LOAD_OFF_LOOP_BYTES - 16 * 1024)
    expect(state.byteLength).toBeLessThan(LOAD_OFF_LOOP_BYTES)
    const server = await start({ cob: false, idleUnloadMs: 300 })
    expect(server.storage.createDoc('dense', 'Edited for days', state, serverAttribution([1]))).toBe(true)
    // Stored as one row, its structs not counted: estimated from its bytes as dense.
    expect(estimatedStructs(server.storage.loadCost('dense')!)).toBeGreaterThanOrEqual(RELOAD_OFF_LOOP_STRUCTS)
    const rooms = (server.hub.rooms as unknown as { rooms: Map<string, Room> }).rooms

    const edits = await liveEdits(server)
    const stall = loopStall()
    // The joiner runs in a process of its own (its receiving is not this loop's work).
    const joiner = joinInChild(`ws://127.0.0.1:${server.port}/sync/dense?token=${token(server, 'observer')}`, askEverything(), state.byteLength)
    await waitFor(() => rooms.has('dense'), 'the room opened')
    expect(rooms.get('dense')!.isLoading).toBe(true)
    const answeredMs = await joiner.answered
    await waitFor(() => !rooms.get('dense')?.isLoading, 'the room built', 30_000)
    // A little longer: whatever the build leaves to the loop (collections) falls in the measurement.
    await new Promise((r) => setTimeout(r, 500))
    const loopMax = stall.stop()
    const rtt = await edits.stop()
    joiner.kill()
    console.log('first load of 2 MB of many structs: round trip ms', JSON.stringify(rtt), 'longest turn', loopMax, 'answer', answeredMs)
    expect(rtt.samples).toBeGreaterThan(5)
    expectLive(rtt, RTT_MS)

    // An edit on it, then everyone leaves: the room compacts with its count (off the loop, as it was loaded).
    const writer = connect(server, token(server, 'secretariat'), 'dense')
    await synced(writer, 30_000)
    addParagraph(writer.doc, 'after the first load')
    await waitFor(() => content(rooms.get('dense')!.ydoc).includes('after the first load'), 'the edit applied', 10_000)
    destroyAll(writer)
    await waitFor(() => server.storage.loadCost('dense')!.uncountedBytes === 0, 'compacted with its count', 30_000)
    const counted = server.storage.loadCost('dense')!
    expect(counted.structs).toBeGreaterThan(100_000)

    // Few structs, same order of bytes: compacted by its room with its count, then loaded on the loop.
    expect(server.storage.createDoc('plain', 'Long paragraphs', paragraphsUpdate(15, 100_000), serverAttribution([1]))).toBe(true)
    const plain = connect(server, token(server, 'secretariat'), 'plain')
    await synced(plain, 30_000)
    addParagraph(plain.doc, 'typed')
    await waitFor(() => content(rooms.get('plain')!.ydoc).includes('typed'), 'the edit applied', 10_000)
    destroyAll(plain)
    await waitFor(() => !rooms.has('plain') && server.storage.loadCost('plain')!.uncountedBytes === 0, 'unloaded and compacted with its count', 30_000)
    expect(server.storage.loadCost('plain')!.structs).toBeLessThan(1_000)
    const again = connect(server, token(server, 'observer'), 'plain')
    await waitFor(() => rooms.has('plain'), 'the room opened again')
    expect(rooms.get('plain')!.isLoading).toBe(false)
    await synced(again, 30_000)
    expect(content(again.doc)).toContain('typed')
    destroyAll(again)
    await server.close()
  }, 120_000)
})
