import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import { CloseCode, MessageType } from '../../shared/protocol.ts'
import { newYDoc } from '../../shared/ydoc.ts'
import { addParagraph, cleanupDirs, closed, connect, content, destroyAll, opened, rawSocket, start, synced, token, waitFor } from './helpers.ts'

afterEach(cleanupDirs)

function updateFrame(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.sync)
  syncProtocol.writeUpdate(e, update)
  return encoding.toUint8Array(e)
}

describe('a forged client ID', () => {
  it('is refused with 1008: no one writes under another delegation\'s client ID', async () => {
    const server = await start()
    const ind = connect(server, token(server, 'delegation', 'IND'))
    await synced(ind)
    addParagraph(ind.doc, 'IND wrote this')
    const room = () => server.hub.rooms.get('astana-statement')!
    await waitFor(() => content(room().ydoc).includes('IND wrote this'), 'server has IND edit')
    const victim = ind.doc.clientID
    expect(server.storage.audit('astana-statement').some((r) => r.delegation === 'IND' && r.clientIds.includes(victim))).toBe(true)

    // CHN takes the whole document, then writes new content under IND's client ID.
    const forger = newYDoc()
    Y.applyUpdate(forger, Y.encodeStateAsUpdate(room().ydoc))
    forger.clientID = victim
    const before = Y.encodeStateVector(forger)
    addParagraph(forger, 'CHN pretending to be IND')
    const forged = Y.encodeStateAsUpdate(forger, before)

    const ws = rawSocket(server, token(server, 'delegation', 'CHN'))
    await opened(ws)
    const closing = closed(ws)
    ws.send(updateFrame(forged))
    const result = await closing
    expect(result.code).toBe(CloseCode.policyViolation)
    expect(content(room().ydoc)).not.toContain('CHN pretending')

    // The same delegation may keep writing under its own ID (a second IND delegate's token).
    // (The first IND client leaves first: receiving its own ID back would make Yjs pick a new one.)
    destroyAll(ind)
    const ind2 = rawSocket(server, token(server, 'delegation', 'IND'))
    await opened(ind2)
    ind2.send(updateFrame(forged))
    await waitFor(() => content(room().ydoc).includes('CHN pretending'), 'same identity accepted')
    ind2.close()
    forger.destroy()
    await server.close()
  })
})
