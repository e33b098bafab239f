import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CloseCode } from '../../shared/protocol.ts'
import { podiumText } from '../../server/documents.ts'
import { DOC, addParagraph, cleanupDirs, connect, content, destroyAll, start, synced, tempDir, token, waitFor } from './helpers.ts'
import { RawClient, block, positionsIn } from './trust-helpers.ts'

afterEach(cleanupDirs)

describe('an update that cannot be integrated when it arrives', () => {
  it('is refused, never held pending: forged marks and deletions of CHN\'s future clocks never land when CHN types', async () => {
    const server = await start()
    const chn = connect(server, token(server, 'delegation', 'CHN'))
    await synced(chn)
    addParagraph(chn.doc, 'CHN was here')
    const live = () => server.hub.rooms.get(DOC)!.ydoc
    await waitFor(() => content(live()).includes('CHN was here'), 'CHN typed')

    // The attacker guesses CHN's next edit: a copy of CHN's document types ahead under CHN's client id...
    const future = new Y.Doc({ gc: false })
    Y.applyUpdate(future, Y.encodeStateAsUpdate(chn.doc))
    future.clientID = chn.doc.clientID
    const pp1 = block(future, 'PP1.')
    ;(pp1.get(0) as Y.XmlText).insert(5, 'x'.repeat(200))
    // ...then writes, under its own id, a (-CHN) mark after that future text and deletes it.
    const hostile = await RawClient.open(server, token(server, 'delegation', 'IND'))
    Y.applyUpdate(hostile.doc, Y.encodeStateAsUpdate(future))
    const known = Y.encodeStateVector(hostile.doc)
    hostile.doc.transact(() => {
      const text = block(hostile.doc, 'PP1.').get(0) as Y.XmlText
      text.insert(205, ' (-CHN forged)')
      text.delete(5, 200)
    })
    // Only the attacker's structs and the whole delete set: what depends on CHN's clocks the server lacks.
    hostile.send(Y.encodeStateAsUpdate(hostile.doc, known))
    expect(await hostile.closeCode()).toBe(CloseCode.refused)
    expect(server.storage.refusals(DOC)[0]).toMatchObject({ rule: 'incomplete-update', delegation: 'IND' })
    expect(live().store.pendingStructs).toBeNull()
    expect(live().store.pendingDs).toBeNull()

    // CHN now types exactly that: nothing forged lands, nothing of CHN's is deleted.
    ;(block(chn.doc, 'PP1.').get(0) as Y.XmlText).insert(5, 'x'.repeat(200))
    await waitFor(() => podiumText(live()).includes('x'.repeat(200)), 'CHN\'s typing arrives')
    expect(podiumText(live())).not.toContain('forged')
    expect(server.storage.owners(DOC).get(hostile.doc.clientID)).toBeUndefined()
    destroyAll(chn)
    await server.close()
  })

  it('refuses a delete set over connected editors\' future clocks; what they type afterwards stays, also after a restart', async () => {
    const dataDir = tempDir()
    const server = await start({ dataDir })
    const chn = connect(server, token(server, 'delegation', 'CHN'))
    const sec = connect(server, token(server, 'secretariat'))
    await Promise.all([synced(chn), synced(sec)])
    const hostile = await RawClient.open(server, token(server, 'delegation', 'IND'))
    // A delete set only (no structs) over clocks 0–999 of both editors' client ids: made by typing and
    // deleting 1,000 characters under each id on a scratch document and keeping just the deletions.
    const deletions = [chn.doc.clientID, sec.doc.clientID].map((client) => {
      const scratch = new Y.Doc({ gc: false })
      scratch.clientID = client
      scratch.getText('t').insert(0, 'z'.repeat(1000))
      scratch.getText('t').delete(0, 1000)
      return Y.encodeStateAsUpdate(scratch, Y.encodeStateVector(scratch))
    })
    hostile.send(Y.mergeUpdates(deletions))
    expect(await hostile.closeCode()).toBe(CloseCode.refused)
    expect(server.storage.refusals(DOC)[0]?.rule).toBe('incomplete-update')
    addParagraph(chn.doc, 'CHN types after the attack')
    addParagraph(sec.doc, 'the secretariat types after the attack')
    const live = () => server.hub.rooms.get(DOC)!.ydoc
    await waitFor(() => podiumText(live()).includes('CHN types after') && podiumText(live()).includes('secretariat types after'), 'both edits kept')
    destroyAll(chn, sec)
    await server.close()
    // Closing compacted the document; after a restart both edits are still there.
    const again = await start({ dataDir })
    const reader = connect(again, token(again, 'observer'))
    await synced(reader)
    expect(podiumText(reader.doc)).toContain('CHN types after')
    expect(podiumText(reader.doc)).toContain('secretariat types after')
    destroyAll(reader)
    await again.close()
  })

  it('stores none of 30 large never-integrable updates: not in the log, not in the compacted state', async () => {
    // The byte-rate quota (resilience) would slow this writer down; it is not what is tested here.
    const server = await start({ compactIdleMs: 50, limits: { docBytesPerSecond: 1e9, docBytesBurst: 1e9, senderBytesPerSecond: 1e9, senderBytesBurst: 1e9, refusalsPerMinute: 1000 } })
    const tok = token(server, 'delegation', 'IND')
    const first = await RawClient.open(server, tok)
    first.close()
    const bytesBefore = server.storage.bytesStored()
    for (let i = 0; i < 30; i++) {
      const hostile = await RawClient.open(server, tok)
      // 900 KB of text whose left neighbour is a clock of a client the server has never seen.
      const ghost = new Y.Doc({ gc: false })
      Y.applyUpdate(ghost, Y.encodeStateAsUpdate(hostile.doc))
      ghost.clientID = 999_000 + i
      ;(block(ghost, 'PP1.').get(0) as Y.XmlText).insert(5, 'g')
      const known = Y.encodeStateVector(ghost)
      Y.applyUpdate(hostile.doc, Y.encodeStateAsUpdate(ghost))
      ;(block(hostile.doc, 'PP1.').get(0) as Y.XmlText).insert(6, 'y'.repeat(900 * 1024))
      hostile.send(Y.encodeStateAsUpdate(hostile.doc, known))
      expect(await hostile.closeCode()).toBe(CloseCode.refused)
      ghost.destroy()
    }
    await new Promise((r) => setTimeout(r, 200))
    server.hub.rooms.get(DOC)!.compactNow()
    expect(server.storage.refusals(DOC, 100).length).toBe(30)
    expect(server.storage.bytesStored() - bytesBefore).toBeLessThan(10_000)
    expect(positionsIn(block(server.hub.rooms.get(DOC)!.ydoc, 'PP4.')).length).toBeGreaterThan(0)
    await server.close()
  })
})
