import { afterEach, describe, expect, it } from 'vitest'
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
})
