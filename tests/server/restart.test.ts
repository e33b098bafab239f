import { afterEach, describe, expect, it } from 'vitest'
import { addParagraph, cleanupDirs, connect, content, destroyAll, start, synced, tempDir, token, waitFor } from './helpers.ts'

afterEach(cleanupDirs)

describe('restarting the server', () => {
  it('brings every document back as it was, with its title and tokens', async () => {
    const dataDir = tempDir()
    const first = await start({ dataDir, compactEvery: 7 })
    const tok = token(first, 'delegation', 'IND')
    const sec = token(first, 'secretariat')
    const res = await fetch(`${first.url}/api/docs`, { method: 'POST', headers: { authorization: `Bearer ${sec}` }, body: JSON.stringify({ name: 'second', title: 'Second text', text: 'PP1. [Recalling] (+IND)\n', visibility: 'delegations' }) })
    expect(res.status).toBe(201)
    const a = connect(first, tok)
    const b = connect(first, tok, 'second')
    await Promise.all([synced(a), synced(b)])
    // Enough edits to cross several compactions (every 7 appends) on the way.
    for (let i = 0; i < 30; i++) addParagraph(a.doc, `before restart ${i}`)
    addParagraph(b.doc, 'second doc edit')
    await waitFor(() => content(first.hub.rooms.get('astana-statement')!.ydoc) === content(a.doc), 'server has a')
    await waitFor(() => content(first.hub.rooms.get('second')!.ydoc) === content(b.doc), 'server has b')
    const before = { main: content(a.doc), second: content(b.doc) }
    destroyAll(a, b)
    await first.close()

    const second = await start({ dataDir })
    expect(second.demoLinks).toBeNull()
    const c = connect(second, tok)
    const d = connect(second, tok, 'second')
    await Promise.all([synced(c), synced(d)])
    expect(content(c.doc)).toBe(before.main)
    expect(content(d.doc)).toBe(before.second)
    expect(second.storage.getDoc('second')?.title).toBe('Second text')
    destroyAll(c, d)
    await second.close()
  })
})
