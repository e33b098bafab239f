import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { RunningServer } from '../../server/index.ts'
import { cleanupDirs, DOC, start, token } from '../server/helpers.ts'
import { api } from '../snapshots/helpers.ts'

// A Word draft's header and version line kept with the document over REST: set when a document is
// created or later (PATCH), refused in words when it is not text, listed, and in the exports.

let server: RunningServer | undefined
afterEach(async () => { await server?.close(); server = undefined })
afterAll(cleanupDirs)

const HEADER = 'SBSTA 61 – agenda item 13(a)\nVersion 14/11/2024 13:00'

describe('a document\'s header over REST', () => {
  it('is kept on create and PATCH, refused when hostile, listed, and exported', async () => {
    server = await start({ cob: false })
    const sec = token(server, 'secretariat')
    const created = await api(server, sec, 'POST', '/docs', { name: 'sbsta', title: 'Article 6.2', text: 'OP1. [Decides] that', header: HEADER })
    expect(created.status).toBe(201)
    expect(server.storage.getDoc('sbsta')!.header).toBe(HEADER)

    // Hand-made hostile values: nothing changes, the answer says why.
    for (const header of [42, { lines: [] }, 'x'.repeat(1001), 'Version\u0000 1', 'a\u001b[2Jb']) {
      const r = await api(server, sec, 'PATCH', '/docs/sbsta', { header })
      expect(r.status, JSON.stringify(header).slice(0, 30)).toBe(400)
      expect(JSON.stringify(r.body)).toMatch(/header must be the draft's header lines/)
      const c = await api(server, sec, 'POST', '/docs', { name: 'other', text: 'x', header })
      expect(c.status).toBe(400)
    }
    expect(server.storage.getDoc('sbsta')!.header).toBe(HEADER)
    expect(server.storage.getDoc('other')).toBeNull()
    // A delegation may not set it.
    expect((await api(server, token(server, 'delegation', 'IND'), 'PATCH', `/docs/${DOC}`, { header: 'Version 1' })).status).toBe(403)

    // Set on an existing document (after a replace from Word), listed with it.
    expect((await api(server, sec, 'PATCH', `/docs/${DOC}`, { header: 'Version 2' })).status).toBe(200)
    const list = await api(server, sec, 'GET', '/docs')
    expect((list.body as { name: string; header: string | null }[]).find((d) => d.name === DOC)!.header).toBe('Version 2')
    expect((list.body as { name: string; header: string | null }[]).find((d) => d.name === 'sbsta')!.header).toBe(HEADER)

    // In the exports: HTML above the title, AKN in the preface.
    const html = await fetch(`${server.url}/api/docs/sbsta/export?format=html`, { headers: { authorization: `Bearer ${sec}` } })
    expect(await html.text()).toContain('<p class="source-header">Version 14/11/2024 13:00</p>')
    const akn = await fetch(`${server.url}/api/docs/sbsta/export?format=akn`, { headers: { authorization: `Bearer ${sec}` } })
    expect(await akn.text()).toContain('<container name="sourceHeader" eId="hdr_2"><p>Version 14/11/2024 13:00</p></container>')
  }, 30_000)

  it('a document sent back from an import preview keeps its footnotes, and one whose footnote podium text cannot hold is refused in words', async () => {
    server = await start({ cob: false })
    const sec = token(server, 'secretariat')
    const para = (text: unknown) => ({ type: 'doc', content: [{ type: 'paragraph', attrs: { id: 'p1' }, content: [{ type: 'text', text: 'OP1. Recalls' }, { type: 'footnote', attrs: { kind: 'footnote', text } }] }] })
    const ok = await api(server, sec, 'POST', '/docs', { name: 'fn', doc: para('Decision 2/CMA.3.') })
    expect(ok.status).toBe(201)
    const text = await api(server, sec, 'GET', '/docs/fn/text')
    expect(JSON.stringify(text.body)).toContain('OP1. Recalls{{footnote: Decision 2/CMA.3.}}')
    for (const bad of ['a}} b', 'two\nlines', ' spaced', { evil: 1 }]) {
      const r = await api(server, sec, 'POST', '/docs', { name: 'bad', doc: para(bad) })
      expect(r.status, JSON.stringify(bad)).toBe(400)
      expect(JSON.stringify(r.body)).toMatch(/footnote text/)
    }
    expect(server.storage.getDoc('bad')).toBeNull()
  }, 30_000)
})
