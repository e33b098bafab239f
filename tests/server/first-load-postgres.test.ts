// Issue 12, the first load decided by a stored load cost, on PostgreSQL through a real server: a
// document whose bytes nobody counted yet (one stored row of 300 KB) is built by the loader worker;
// once its room has compacted it, with the count of its structs (a few), it loads on the loop.

import { afterEach, describe, expect, it } from 'vitest'
import { serverAttribution } from '../../server/documents.ts'
import { estimatedStructs, LOAD_OFF_LOOP_BYTES, RELOAD_OFF_LOOP_STRUCTS } from '../../server/sync/room-load.ts'
import type { Room } from '../../server/sync/room.ts'
import { withPostgresSchema, type PostgresSchema } from '../helpers/postgres.ts'
import { addParagraph, cleanupDirs, connect, content, destroyAll, start, synced, token, waitFor } from './helpers.ts'
import { paragraphsUpdate } from './resilience-helpers.ts'

let schema: PostgresSchema | null = null
afterEach(async () => {
  cleanupDirs()
  await schema?.cleanup()
  schema = null
})

describe('the first load on PostgreSQL', () => {
  it('goes off the loop while the structs are not counted, and on the loop once compaction stored a small count', { timeout: 60_000 }, async () => {
    schema = await withPostgresSchema()
    const server = await start({ postgres: schema.url, cob: false, idleUnloadMs: 300 })
    const initial = paragraphsUpdate(3, 100_000)
    expect(initial.byteLength).toBeLessThan(LOAD_OFF_LOOP_BYTES)
    expect(server.storage.createDoc('wide', 'Three long paragraphs', initial, serverAttribution([1]))).toBe(true)
    const cost = server.storage.loadCost('wide')!
    expect(cost).toEqual({ bytes: initial.byteLength, structs: 0, uncountedBytes: initial.byteLength })
    expect(estimatedStructs(cost)).toBeGreaterThanOrEqual(RELOAD_OFF_LOOP_STRUCTS)
    const rooms = (server.hub.rooms as unknown as { rooms: Map<string, Room> }).rooms

    const writer = connect(server, token(server, 'secretariat'), 'wide')
    await waitFor(() => rooms.has('wide'), 'the room opened')
    expect(rooms.get('wide')!.isLoading).toBe(true)
    await synced(writer, 30_000)
    addParagraph(writer.doc, 'typed on PostgreSQL')
    await waitFor(() => content(rooms.get('wide')!.ydoc).includes('typed on PostgreSQL'), 'the edit applied', 10_000)
    destroyAll(writer)
    // Unloaded after 300 ms: compacted by the loader worker, with the room's count.
    await waitFor(() => !rooms.has('wide') && server.storage.loadCost('wide')!.uncountedBytes === 0, 'compacted with its count', 30_000)
    const counted = server.storage.loadCost('wide')!
    expect(counted.structs).toBeGreaterThan(0)
    expect(counted.structs).toBeLessThan(100)

    const reader = connect(server, token(server, 'observer'), 'wide')
    await waitFor(() => rooms.has('wide'), 'the room opened again')
    expect(rooms.get('wide')!.isLoading).toBe(false)
    await synced(reader, 30_000)
    expect(content(reader.doc)).toContain('typed on PostgreSQL')
    destroyAll(reader)
    await server.close()
  })
})
