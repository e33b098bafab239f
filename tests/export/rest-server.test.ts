import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { normalisePodiumText } from '../../shared/format/index.ts'
import type { RunningServer } from '../../server/index.ts'
import { cleanupDirs, DOC, start, token } from '../server/helpers.ts'
import { ASTANA } from '../helpers/seed.ts'
import { api } from '../snapshots/helpers.ts'

let server: RunningServer | undefined
afterEach(async () => { await server?.close(); server = undefined })
afterAll(cleanupDirs)

async function download(s: RunningServer, tok: string, path: string) {
  const res = await fetch(s.url + '/api' + path, { headers: { authorization: `Bearer ${tok}` } })
  return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), bytes: Buffer.from(await res.arrayBuffer()) }
}

describe('export and import over REST', () => {
  it('exports the live text and a snapshot in each format', async () => {
    server = await start({ cob: false })
    const obs = token(server, 'observer')
    const text = await download(server, obs, `/docs/${DOC}/export?format=text`)
    expect(text.status).toBe(200)
    expect(text.bytes.toString('utf8')).toBe(normalisePodiumText(ASTANA))
    const docx = await download(server, obs, `/docs/${DOC}/export?format=docx`)
    expect(docx.status).toBe(200)
    expect(docx.bytes.subarray(0, 2).toString('latin1')).toBe('PK')
    expect(docx.disposition).toMatch(/^attachment; filename=".+\.docx"$/)
    const akn = await download(server, obs, `/docs/${DOC}/export?format=akn`)
    expect(akn.bytes.toString('utf8')).toContain('<akomaNtoso')

    const sec = token(server, 'secretariat')
    const snap = await api(server, sec, 'POST', `/docs/${DOC}/snapshots`, { label: 'Podium version as of COB, 4 October 2022' })
    const html = await download(server, obs, `/docs/${DOC}/export?format=html&snapshot=${snap.body.id}`)
    expect(html.bytes.toString('utf8')).toContain('Podium version as of COB, 4 October 2022')
    expect(html.bytes.toString('utf8')).toContain(snap.body.sha256)

    expect((await api(server, obs, 'GET', `/docs/${DOC}/export?format=rtf`)).status).toBe(400)
    expect((await api(server, obs, 'GET', `/docs/${DOC}/export?format=text&snapshot=77`)).status).toBe(404)
    expect((await api(server, obs, 'GET', `/docs/none/export?format=text`)).status).toBe(404)
  })

  it('previews an import without writing, then replaces the live text after a snapshot', async () => {
    server = await start({ cob: false })
    const sec = token(server, 'secretariat')
    const changed = ASTANA.replace('(OICA);] (-RUS)', '(OICA);] (-RUS) (+CHN)')
    const before = server.storage.listSnapshots(DOC).length
    const preview = await api(server, sec, 'POST', '/import/preview', { filename: 'astana.txt', text: changed })
    expect(preview.status).toBe(200)
    expect(preview.body.summary).toMatchObject({ brackets: 9, positions: 35, notes: 4 })
    expect(server.storage.listSnapshots(DOC)).toHaveLength(before)

    const bad = await api(server, sec, 'POST', '/import/preview', { filename: 'x.docx', data: Buffer.from('PK\x03\x04garbage', 'latin1').toString('base64') })
    expect(bad.status).toBe(422)
    expect(bad.body.error).toBeTruthy()

    // A Word file over the general 4 MiB body limit is still read (the import limit is 20 MB).
    const big = await api(server, sec, 'POST', '/import/preview', { filename: 'big.txt', text: 'PP1. ' + 'word '.repeat(1_100_000) })
    expect(big.status).toBe(200)
    expect(big.body.summary.paragraphs).toBe(1)

    const r = await api(server, sec, 'POST', `/docs/${DOC}/replace`, { text: preview.body.text })
    expect(r.status).toBe(200)
    expect((await api(server, sec, 'GET', `/docs/${DOC}/text`)).text).toBe(normalisePodiumText(changed))
    const cmp = await api(server, sec, 'GET', `/docs/${DOC}/compare?from=${r.body.before.id}&to=live`)
    expect(cmp.body.changes.map((c: { summary: string }) => c.summary)).toEqual(['CHN supported the bracket in OP5(1)'])
    expect((await api(server, token(server, 'chair'), 'POST', `/docs/${DOC}/replace`, { text: 'x' })).status).toBe(403)
  })
})
