// The import preview's body (a Word file as base64 in JSON, up to 27 MB) is parsed in the work pool's
// worker, not on the sync loop. Hand-made bodies: every bad one gets a 400 in words and nothing else
// happens; a good one is read as before; a body over the limit is refused before it is read.

import { afterAll, describe, expect, it } from 'vitest'
import type { RunningServer } from '../../server/index.ts'
import { MAX_IMPORT_BYTES } from '../../server/import/limits.ts'
import { cleanupDirs, start, token } from './helpers.ts'

afterAll(cleanupDirs)

async function post(server: RunningServer, tok: string, raw: string | Uint8Array): Promise<[number, string]> {
  const res = await fetch(`${server.url}/api/import/preview`, { method: 'POST', headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' }, body: raw as unknown as BodyInit })
  const json = (await res.json()) as { error?: string; message?: string; text?: string }
  return [res.status, json.error ?? json.text ?? '']
}

describe('the import preview body, read off the loop', () => {
  it('answers bad bodies with a 400 in words and reads good ones', async () => {
    const server = await start({ cob: false })
    const sec = token(server, 'secretariat')
    expect(await post(server, sec, '{"filename": "x.txt", "text": ')).toEqual([400, 'request body is not valid JSON'])
    expect(await post(server, sec, Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d]))).toEqual([400, 'request body is not valid JSON'])
    for (const bad of ['', '   ', 'null', '5', '[]', '{"filename": "x.docx"}', '{"data": 12}', '{"text": ["PP1."]}']) {
      expect(await post(server, sec, bad), bad).toEqual([400, 'give text (podium text) or data (the file, base64)'])
    }
    // Not a Word file at all behind a .docx name: the import's own words (422), not a crash.
    const notZip = await post(server, sec, JSON.stringify({ filename: 'x.docx', data: Buffer.from('not a zip').toString('base64') }))
    expect(notZip[0]).toBe(422)
    const [status, text] = await post(server, sec, JSON.stringify({ filename: 'x.txt', text: 'PP1. Recalling [the Charter] (+IND).' }))
    expect(status).toBe(200)
    expect(text).toContain('(+IND)')
    // An observer may not import at all, whatever the body.
    expect((await post(server, token(server, 'observer'), '{'))[0]).toBe(403)
    await server.close()
  })

  it('refuses a body over the import limit with 413 before reading it', async () => {
    const server = await start({ cob: false })
    const over = new Uint8Array(Math.ceil(MAX_IMPORT_BYTES * 4 / 3) + 64 * 1024 + 1).fill(0x20)
    const [status, error] = await post(server, token(server, 'secretariat'), over)
    expect(status).toBe(413)
    expect(error).toMatch(/^request body over \d+ bytes$/)
    await server.close()
  })
})
