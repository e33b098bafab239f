// A server on PostgreSQL (startServer({ postgres })) through real sockets: two clients converge,
// the edits are stored, and a restart on the same schema brings everything back, tokens included.

import { afterEach, describe, expect, it } from 'vitest'
import { withPostgresSchema, type PostgresSchema } from '../helpers/postgres.ts'
import { addParagraph, cleanupDirs, connect, content, destroyAll, start, synced, token, waitFor } from './helpers.ts'

let schema: PostgresSchema | null = null
afterEach(async () => {
  cleanupDirs()
  await schema?.cleanup()
  schema = null
})

describe('a server on PostgreSQL', () => {
  it('lets two clients converge and keeps everything across a restart', { timeout: 120_000 }, async () => {
    schema = await withPostgresSchema()
    const first = await start({ postgres: schema.url, compactEvery: 7 })
    expect(first.demoLinks).not.toBeNull()
    const ind = token(first, 'delegation', 'IND')
    const sec = token(first, 'secretariat')
    const res = await fetch(`${first.url}/api/docs`, { method: 'POST', headers: { authorization: `Bearer ${sec}` }, body: JSON.stringify({ name: 'second', title: 'Second text', text: 'PP1. [Recalling] (+IND)\n', visibility: 'public' }) })
    expect(res.status).toBe(201)
    const a = connect(first, ind)
    const b = connect(first, sec)
    const c = connect(first, ind, 'second')
    await Promise.all([synced(a), synced(b), synced(c)])
    for (let i = 0; i < 12; i++) addParagraph(a.doc, `from India ${i}`)
    for (let i = 0; i < 12; i++) addParagraph(b.doc, `from the secretariat ${i}`)
    addParagraph(c.doc, 'second doc edit')
    await waitFor(() => content(a.doc) === content(b.doc) && content(a.doc).includes('from the secretariat 11') && content(b.doc).includes('from India 11'), 'the two clients converge', 30_000)
    await waitFor(() => content(first.hub.rooms.get('second')!.ydoc) === content(c.doc), 'server has the second document', 30_000)
    const before = { main: content(a.doc), second: content(c.doc) }
    destroyAll(a, b, c)
    await first.close()

    const second = await start({ postgres: schema.url })
    expect(second.demoLinks).toBeNull()
    const d = connect(second, ind)
    const e = connect(second, ind, 'second')
    await Promise.all([synced(d), synced(e)])
    expect(content(d.doc)).toBe(before.main)
    expect(content(e.doc)).toBe(before.second)
    expect(second.storage.getDoc('second')?.title).toBe('Second text')
    expect(second.storage.audit('astana-statement', 1000).some((r) => r.delegation === 'IND')).toBe(true)
    destroyAll(d, e)
    await second.close()
  })
})
