import { afterEach, describe, expect, it } from 'vitest'
import { readDocFromY } from '../../shared/ydoc.ts'
import { addParagraph, cleanupDirs, connect, content, destroyAll, start, synced, token, waitFor } from './helpers.ts'

afterEach(cleanupDirs)

describe('two y-websocket clients', () => {
  it('receive the demo document and converge on concurrent edits', async () => {
    const server = await start()
    const a = connect(server, token(server, 'delegation', 'IND'))
    const b = connect(server, token(server, 'delegation', 'CHN'))
    await Promise.all([synced(a), synced(b)])
    expect(readDocFromY(a.doc).textContent).toContain('DRAFT ASTANA STATEMENT ON CICA TRANSFORMATION')
    for (let i = 0; i < 20; i++) {
      addParagraph(a.doc, `IND edit ${i}`)
      addParagraph(b.doc, `CHN edit ${i}`)
    }
    await waitFor(() => content(a.doc) === content(b.doc) && content(a.doc).includes('IND edit 19') && content(a.doc).includes('CHN edit 19'), 'convergence')
    expect(content(server.hub.rooms.get('astana-statement')!.ydoc)).toBe(content(a.doc))
    destroyAll(a, b)
    await server.close()
  })
})
