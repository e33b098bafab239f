import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { Transform } from 'prosemirror-transform'
import { schema } from '../../shared/schema.ts'
import { readDocFromY } from '../../shared/ydoc.ts'
import { cleanupDirs, connect, destroyAll, DOC, start, synced, token, waitFor } from '../server/helpers.ts'
import { api, edit, find } from './helpers.ts'
import type { RunningServer } from '../../server/index.ts'

let server: RunningServer | undefined
afterEach(async () => { await server?.close(); server = undefined })
afterAll(cleanupDirs)

describe('compare over a scripted session (real server, real sockets)', () => {
  it('attributes each change to the delegation whose update made it, not to what a client claims', async () => {
    server = await start({ cob: false })
    const sec = token(server, 'secretariat')
    const ind = connect(server, token(server, 'delegation', 'IND'))
    const isr = connect(server, token(server, 'delegation', 'ISR'))
    const pen = connect(server, sec)
    await Promise.all([synced(ind), synced(isr), synced(pen)])

    const cob = await api(server, sec, 'POST', `/docs/${DOC}/snapshots`, { label: 'Podium version as of COB, 4 October 2022' })
    expect(cob.status).toBe(201)

    // IND brackets "an important element" in PP4.
    edit(ind.doc, (d) => {
      const at = find(d, (n) => n.isText && n.text!.includes('is an important element'))
      const from = at + readDocFromY(ind.doc).nodeAt(at)!.text!.indexOf('an important element')
      return new Transform(d).replaceWith(from, from + 'an important element'.length, schema.nodes.bracket.create(null, schema.text('an important element'))).doc
    })
    await waitFor(() => readDocFromY(isr.doc).textContent.length > 0 && JSON.stringify(readDocFromY(isr.doc).toJSON()).includes('"an important element"') && readDocFromY(isr.doc).eq(readDocFromY(ind.doc)), 'ISR sees the bracket')
    // ISR opposes it.
    edit(isr.doc, (d) => {
      let end = -1
      d.descendants((n, pos) => { if (n.type.name === 'bracket' && n.textContent === 'an important element') end = pos + n.nodeSize })
      return new Transform(d).insert(end, [schema.text(' '), schema.nodes.delegation_mark.create({ delegation: 'ISR', stance: '-' })]).doc
    })
    await waitFor(() => readDocFromY(pen.doc).eq(readDocFromY(isr.doc)), 'the pen sees ISR')
    // The secretariat deletes PP12.
    edit(pen.doc, (d) => {
      const p = find(d, (n) => n.type.name === 'paragraph' && n.textContent.startsWith('PP12.'))
      return new Transform(d).delete(p, p + d.nodeAt(p)!.nodeSize).doc
    })
    await waitFor(() => readDocFromY(ind.doc).eq(readDocFromY(pen.doc)), 'everyone sees the deletion')
    await waitFor(() => !JSON.stringify(readDocFromY(ind.doc).toJSON()).includes('PP12.'), 'PP12 gone')

    const r = await api(server, sec, 'GET', `/docs/${DOC}/compare?from=${cob.body.id}&to=live`)
    expect(r.status).toBe(200)
    const changes = r.body.changes.map((c: { kind: string; summary: string; by: string[] }) => [c.kind, c.summary, c.by])
    expect(changes).toEqual([
      ['bracket-added', 'bracket added in PP4: [an important element]', ['IND']],
      ['position-taken', 'ISR opposed the bracket in PP4', ['ISR']],
      ['paragraph-removed', 'PP12 deleted', ['Secretariat']]
    ])
    expect(r.body.byIdentity).toEqual({ IND: 1, ISR: 1, Secretariat: 1 })
    expect(r.body.from).toMatchObject({ id: cob.body.id, label: 'Podium version as of COB, 4 October 2022' })

    // "Since last COB" without knowing the id, and the same comparison as a redline page.
    const html = await api(server, sec, 'GET', `/docs/${DOC}/compare?from=latest&format=html`)
    expect(html.status).toBe(200)
    expect(html.text).toContain('<li>ISR opposed the bracket in PP4 <span class="by">— ISR</span></li>')
    // Only the bracket and the mark are marked inserted: the bracketed words themselves are unchanged.
    expect(html.text).toContain('is <ins data-by="IND"><span class="bracket">an important element</span></ins> <ins data-by="ISR">(-ISR)</ins>')
    expect(html.text).not.toMatch(/<del[^>]*>[^<]*in maintaining international peace/)
    expect(html.text).toMatch(/<del data-by="Secretariat">PP12\. Expressing appreciation/)

    // Snapshot to snapshot gives the same list.
    const now = await api(server, sec, 'POST', `/docs/${DOC}/snapshots`, { label: 'after' })
    const s2s = await api(server, sec, 'GET', `/docs/${DOC}/compare?from=${cob.body.id}&to=${now.body.id}`)
    expect(s2s.body.changes).toEqual(r.body.changes)
    destroyAll(ind, isr, pen)
  })

  it('answers bad ids and formats with 400/404', async () => {
    server = await start({ cob: false })
    const obs = token(server, 'observer')
    expect((await api(server, obs, 'GET', `/docs/${DOC}/compare?from=abc`)).status).toBe(400)
    expect((await api(server, obs, 'GET', `/docs/${DOC}/compare?from=999`)).status).toBe(404)
    expect((await api(server, obs, 'GET', `/docs/${DOC}/compare?from=last-cob`)).status).toBe(404)
    expect((await api(server, obs, 'GET', `/docs/nope/snapshots`)).status).toBe(404)
    const sec = token(server, 'secretariat')
    const s = await api(server, sec, 'POST', `/docs/${DOC}/snapshots`, {})
    expect((await api(server, obs, 'GET', `/docs/${DOC}/compare?from=${s.body.id}&format=odt`)).status).toBe(400)
  })
})
