import { afterEach, describe, expect, it } from 'vitest'
import type { WebsocketProvider } from 'y-websocket'
import { addParagraph, cleanupDirs, connect, content, destroyAll, start, synced, token, waitFor } from './helpers.ts'

afterEach(cleanupDirs)

describe('a late joiner', () => {
  it('gets every edit made before it connected, including from clients that have left', async () => {
    const server = await start()
    const a = connect(server, token(server, 'delegation', 'IND'))
    const b = connect(server, token(server, 'delegation', 'RUS'))
    await Promise.all([synced(a), synced(b)])
    for (let i = 0; i < 10; i++) addParagraph(a.doc, `early ${i}`)
    await waitFor(() => content(b.doc) === content(a.doc), 'b sees a')
    a.destroy()
    addParagraph(b.doc, 'after IND left')
    await waitFor(() => content(server.hub.rooms.get('astana-statement')!.ydoc).includes('after IND left'), 'server has b')
    const late = connect(server, token(server, 'observer'))
    await synced(late)
    await waitFor(() => content(late.doc) === content(b.doc), 'late joiner converges')
    expect(content(late.doc)).toContain('early 9')
    expect(content(late.doc)).toContain('after IND left')
    a.doc.destroy()
    destroyAll(b, late)
    await server.close()
  })

  it('gets everything when fresh joiners keep arriving while the document changes (a shared answer and what changed since)', async () => {
    const server = await start()
    const pen = connect(server, token(server, 'secretariat'))
    await synced(pen)
    const joiners: WebsocketProvider[] = []
    // Each round: some edits, then a fresh joiner (an empty document: the shared answer, plus the
    // edits since it was encoded). One round adds a paragraph larger than a quarter of the document,
    // after which the answer is encoded again.
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 3; i++) addParagraph(pen.doc, `round ${round} edit ${i}`)
      if (round === 3) addParagraph(pen.doc, `round ${round} long ${'x'.repeat(content(pen.doc).length)}`)
      await waitFor(() => content(server.hub.rooms.get('astana-statement')!.ydoc) === content(pen.doc), `server has round ${round}`)
      const joiner = connect(server, token(server, 'observer'))
      joiners.push(joiner)
      await synced(joiner)
    }
    await waitFor(() => joiners.every((j) => content(j.doc) === content(pen.doc)), 'every joiner converges')
    for (const [round, j] of joiners.entries()) expect(content(j.doc), `joiner of round ${round}`).toContain(`round ${round} edit 2`)
    destroyAll(pen, ...joiners)
    await server.close()
  })
})
