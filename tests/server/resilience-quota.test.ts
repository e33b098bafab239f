// Issue 12, item 3: a document has a size limit; an update that would take it past the limit is
// refused in words (4409 and the y-protocols permission-denied message), recorded, and the document
// and its storage stay as they were; the meeting home's list shows each document's size and limit.
// A sender (a delegation, all its links together) has an hourly volume across all documents: a
// flood spread over many documents is refused in words once past it, and nobody else is touched.

import * as decoding from 'lib0/decoding'
import type { WebSocket } from 'ws'
import { serverAttribution } from '../../server/documents.ts'
import type { DocSizes } from '../../server/storage/sqlite.ts'
import { paragraphFrame, paragraphsUpdate } from './resilience-helpers.ts'
import { afterAll, describe, expect, it } from 'vitest'
import { CloseCode } from '../../shared/protocol.ts'
import { api } from '../snapshots/helpers.ts'
import { addParagraph, cleanupDirs, closed, connect, content, destroyAll, DOC, opened, rawSocket, start, synced, token, waitFor } from './helpers.ts'

afterAll(cleanupDirs)

describe('per-document quotas', () => {
  it('refuse an update past the size limit in words, keep what is stored, and show sizes on the list', async () => {
    const server = await start({ cob: false, limits: { docMaxBytes: 256 * 1024 } })
    const writer = connect(server, token(server, 'secretariat'))
    const reader = connect(server, token(server, 'observer'))
    await Promise.all([synced(writer), synced(reader)])
    const denied: string[] = []
    const closes: { code: number; reason: string }[] = []
    writer.on('connection-close', (e: { code: number; reason: string } | null) => { if (e) closes.push({ code: e.code, reason: e.reason }) })
    // The permission-denied message (y-protocols auth) carries the rule and the reason.
    writer.ws!.addEventListener('message', (event: { data: ArrayBuffer }) => {
      const d = decoding.createDecoder(new Uint8Array(event.data))
      if (decoding.readVarUint(d) === 2 && decoding.readVarUint(d) === 0) denied.push(decoding.readVarString(d))
    })
    const before = server.storage.bytesStored()
    addParagraph(writer.doc, 'far too long ' + 'w'.repeat(300 * 1024))
    await waitFor(() => closes.length > 0, 'the writer told')
    expect(closes[0]).toEqual({ code: CloseCode.refused, reason: 'the document has reached its size limit' })
    expect(JSON.parse(denied[0])).toEqual({ rule: 'doc-size', reason: expect.stringMatching(/^The document has reached its size limit \(256 KB\); this change was not applied/) })
    expect(server.storage.refusals(DOC)[0]).toMatchObject({ rule: 'doc-size', role: 'secretariat' })
    expect(server.storage.bytesStored()).toBe(before)
    expect(content(reader.doc)).not.toContain('far too long')
    // A small edit from someone else still fits.
    const other = connect(server, token(server, 'secretariat'))
    await synced(other)
    addParagraph(other.doc, 'a short one')
    await waitFor(() => content(reader.doc).includes('a short one'), 'a small edit still goes through')
    const list = await api(server, token(server, 'secretariat'), 'GET', '/docs')
    expect(list.body[0]).toMatchObject({ name: DOC, maxBytes: 256 * 1024, bytes: expect.any(Number) })
    expect(list.body[0].bytes).toBeGreaterThan(10_000)
    writer.disconnect()
    destroyAll(writer, reader, other)
    await server.close()
  }, 30_000)

  it('refuse a delegation past its hourly volume across documents, in words, whichever documents and links it uses', async () => {
    const server = await start({ cob: false, limits: { senderBytesPerHour: 400 * 1024 } })
    const stored = (name: string) => (server.storage as unknown as DocSizes).docBytes(name)
    for (const name of ['doc-a', 'doc-b', 'doc-c']) server.storage.createDoc(name, name, paragraphsUpdate(1, 100), serverAttribution([1]))
    // A hand-made client: a sync-update frame of a new paragraph of 150 KB (a fresh Yjs client each time).
    let n = 0
    const frame = () => paragraphFrame(`flood${n++}`, 'All parties agree. '.repeat(150_000 / 19))
    const denials = (ws: WebSocket) => {
      const out: string[] = []
      ws.on('message', (data: Buffer) => {
        const d = decoding.createDecoder(new Uint8Array(data))
        if (decoding.readVarUint(d) === 2 && decoding.readVarUint(d) === 0) out.push(decoding.readVarString(d))
      })
      return out
    }
    const chn1 = token(server, 'delegation', 'CHN')
    const chn2 = token(server, 'delegation', 'CHN')
    const sockets = [rawSocket(server, chn1, 'doc-a'), rawSocket(server, chn1, 'doc-b'), rawSocket(server, chn2, 'doc-c')]
    await Promise.all(sockets.map(opened))
    const said = sockets.map(denials)
    const ends = sockets.map((ws) => closed(ws, 20_000))
    // 150 KB into doc-a and doc-b (300 KB: within 400 KB), then 150 KB into doc-c through another of CHN's links.
    sockets[0].send(frame())
    await waitFor(() => stored('doc-a') > 150_000, 'doc-a took its update ')
    sockets[1].send(frame())
    await waitFor(() => stored('doc-b') > 150_000, 'doc-b took its update')
    const before = stored('doc-c')
    sockets[2].send(frame())
    expect(await ends[2]).toEqual({ code: CloseCode.refused, reason: 'too many changes from this delegation within an hour' })
    expect(JSON.parse(said[2][0])).toEqual({ rule: 'update-volume', reason: expect.stringMatching(/^Your changes passed 400 KB within an hour across all documents.*not applied/) })
    expect(stored('doc-c')).toBe(before)
    expect(server.storage.refusals('doc-c')[0]).toMatchObject({ rule: 'update-volume', delegation: 'CHN' })
    // Another delegation is not touched: its 150 KB into doc-c goes through.
    const ind = rawSocket(server, token(server, 'delegation', 'IND'), 'doc-c')
    await opened(ind)
    ind.send(frame())
    await waitFor(() => stored('doc-c') > before + 150_000, 'IND\'s update stored')
    for (const ws of [...sockets, ind]) ws.terminate()
    await server.close()
  }, 30_000)

  it('slow a delegation to its byte rate across documents and links (held unread, then taken, nothing lost)', async () => {
    // 160 KB at once, then 100 KB a second, for all of CHN's links and documents together.
    const server = await start({ cob: false, limits: { senderBytesPerSecond: 100 * 1024, senderBytesBurst: 160 * 1024 } })
    const stored = (name: string) => (server.storage as unknown as DocSizes).docBytes(name)
    for (const name of ['doc-a', 'doc-b']) server.storage.createDoc(name, name, paragraphsUpdate(1, 100), serverAttribution([1]))
    const update = (id: string) => paragraphFrame(id, 'All parties agree. '.repeat(150_000 / 19))
    const a = rawSocket(server, token(server, 'delegation', 'CHN'), 'doc-a')
    const b = rawSocket(server, token(server, 'delegation', 'CHN'), 'doc-b')
    await Promise.all([opened(a), opened(b)])
    const before = stored('doc-b')
    const t0 = performance.now()
    a.send(update('rate-a'))
    await waitFor(() => stored('doc-a') > 150_000, 'doc-a took its update')
    b.send(update('rate-b'))
    await waitFor(() => stored('doc-b') > before + 150_000, 'doc-b took its update, later', 15_000)
    // The second 150 KB waited for CHN's budget to refill (about 1.4 s at 100 KB/s), though it went to another document.
    expect(performance.now() - t0).toBeGreaterThan(1000)
    expect(server.storage.refusals('doc-b')).toHaveLength(0)
    a.terminate()
    b.terminate()
    await server.close()
  }, 30_000)
})
