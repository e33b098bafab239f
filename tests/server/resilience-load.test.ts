// Issue 12, the first load of a large document: it is built off the sync loop (a worker prepares it,
// the room applies it in pieces between other work). Edits sent while it loads wait and are applied
// after, nothing lost; a fresh joiner is answered from the stored bytes and what changed since; a
// refused update on it reloads it off the loop too. (The 50 MB case, with the live round trip measured
// on another document, is in resilience-heavy.test.ts.)

import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { afterAll, describe, expect, it } from 'vitest'
import { serverAttribution, loadStoredYDoc } from '../../server/documents.ts'
import { CloseCode } from '../../shared/protocol.ts'
import { FRAGMENT_NAME } from '../../shared/ydoc.ts'
import { LOAD_OFF_LOOP_BYTES } from '../../server/sync/room-load.ts'
import type { Room } from '../../server/sync/room.ts'
import { openSqliteStorage } from '../../server/storage/sqlite.ts'
import { addParagraph, cleanupDirs, tempDir, closed, connect, content, destroyAll, opened, rawSocket, start, synced, token, waitFor } from './helpers.ts'
import { paragraphsUpdate } from './resilience-helpers.ts'

afterAll(cleanupDirs)

function syncUpdateFrame(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 0)
  encoding.writeVarUint(e, 2)
  encoding.writeVarUint8Array(e, update)
  return encoding.toUint8Array(e)
}

describe('a large document', () => {
  it('is built off the loop; edits made while it loads arrive, fresh joiners get it all, a refusal reloads it', async () => {
    const dataDir = tempDir()
    const server = await start({ cob: false, dataDir })
    // Some 3 MB: over the size from which documents are loaded off the loop.
    const initial = paragraphsUpdate(30, 100_000)
    expect(initial.byteLength).toBeGreaterThan(LOAD_OFF_LOOP_BYTES)
    expect(server.storage.createDoc('big', 'Large', initial, serverAttribution([1]))).toBe(true)
    const rooms = (server.hub.rooms as unknown as { rooms: Map<string, Room> }).rooms

    // The writer types at once: its update reaches a room still loading, is held, and applied after.
    const writer = connect(server, token(server, 'secretariat'), 'big')
    await waitFor(() => rooms.has('big'), 'the room opened')
    expect(rooms.get('big')!.isLoading).toBe(true)
    addParagraph(writer.doc, 'typed while it loaded')
    await synced(writer, 30_000)
    await waitFor(() => !rooms.get('big')!.isLoading, 'the room built', 30_000)
    await waitFor(() => content(rooms.get('big')!.ydoc).includes('typed while it loaded'), 'the early edit applied', 10_000)

    // A fresh joiner gets the stored state as it is, then what changed since: the whole text.
    const reader = connect(server, token(server, 'observer'), 'big')
    await synced(reader, 30_000)
    await waitFor(() => content(reader.doc) === content(writer.doc), 'the reader holds the writer\'s text', 10_000)
    expect(reader.doc.getXmlFragment(FRAGMENT_NAME).length).toBe(writer.doc.getXmlFragment(FRAGMENT_NAME).length)
    expect(content(reader.doc)).toContain('typed while it loaded')

    // A hand-made update the rules refuse (text straight in the document): refused in words, and the
    // room is rebuilt from storage off the loop; the refused text is nowhere, later edits flow.
    const hostile = new Y.Doc({ gc: false })
    Y.applyUpdate(hostile, Y.encodeStateAsUpdate(writer.doc))
    const before = Y.encodeStateVector(hostile)
    hostile.getXmlFragment(FRAGMENT_NAME).insert(0, [new Y.XmlText('loose text')])
    const ws = rawSocket(server, token(server, 'delegation', 'CHN'), 'big')
    await opened(ws)
    const end = closed(ws)
    ws.send(syncUpdateFrame(Y.encodeStateAsUpdate(hostile, before)))
    expect((await end).code).toBe(CloseCode.refused)
    addParagraph(writer.doc, 'after the refusal')
    await waitFor(() => content(reader.doc).includes('after the refusal'), 'an edit after the refusal', 30_000)
    expect(content(reader.doc)).not.toContain('loose text')
    await waitFor(() => !rooms.get('big')!.isLoading, 'the room rebuilt', 30_000)
    expect(content(rooms.get('big')!.ydoc)).toBe(content(writer.doc))

    destroyAll(writer, reader)
    await server.close()
    // Nothing acknowledged is lost: both edits are stored, the refused text is not.
    const storage = openSqliteStorage(dataDir)
    const stored = loadStoredYDoc(storage, 'big')!
    expect(content(stored)).toContain('typed while it loaded')
    expect(content(stored)).toContain('after the refusal')
    expect(content(stored)).not.toContain('loose text')
    stored.destroy()
    storage.close()
  }, 90_000)

  it('an update refused once the document is built closes its sender at once, though its socket was paused meanwhile', async () => {
    const server = await start({ cob: false })
    const initial = paragraphsUpdate(30, 100_000)
    expect(server.storage.createDoc('big', 'Large', initial, serverAttribution([1]))).toBe(true)
    const rooms = (server.hub.rooms as unknown as { rooms: Map<string, Room> }).rooms
    // Hand-made: text straight in the document (refused), sent while the room is still being built,
    // so it is held and the socket paused until the build ends.
    const hostile = new Y.Doc({ gc: false })
    Y.applyUpdate(hostile, initial)
    const before = Y.encodeStateVector(hostile)
    hostile.getXmlFragment(FRAGMENT_NAME).insert(0, [new Y.XmlText('loose text')])
    const update = Y.encodeStateAsUpdate(hostile, before)
    const ws = rawSocket(server, token(server, 'delegation', 'CHN'), 'big')
    await opened(ws)
    let toldAt = 0
    ws.on('message', (d: Buffer) => { if (d[0] === 2 && toldAt === 0) toldAt = performance.now() })
    const end = closed(ws, 30_000)
    ws.send(syncUpdateFrame(update))
    await waitFor(() => rooms.get('big')?.isLoading === true, 'the room loading')
    const { code } = await end
    const closedAt = performance.now()
    expect(code).toBe(CloseCode.refused)
    expect(toldAt).toBeGreaterThan(0)
    // Before, the paused socket never read the client's answer to the close: cut off after 2 s.
    expect(closedAt - toldAt).toBeLessThan(1000)
    await server.close()
  }, 60_000)
})
