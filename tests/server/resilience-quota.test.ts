// Issue 12, item 3: a document has a size limit; an update that would take it past the limit is
// refused in words (4409 and the y-protocols permission-denied message), recorded, and the document
// and its storage stay as they were; the meeting home's list shows each document's size and limit.

import * as decoding from 'lib0/decoding'
import { afterAll, describe, expect, it } from 'vitest'
import { CloseCode } from '../../shared/protocol.ts'
import { api } from '../snapshots/helpers.ts'
import { addParagraph, cleanupDirs, connect, content, destroyAll, DOC, start, synced, token, waitFor } from './helpers.ts'

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
})
