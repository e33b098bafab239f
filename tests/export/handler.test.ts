import { describe, expect, it } from 'vitest'
import { parsePodium } from '../../shared/format/index.ts'
import { contentDisposition, exportFilename, handleExport } from '../../server/export/index.ts'
import { ASTANA } from '../helpers/seed.ts'

const doc = parsePodium(ASTANA).doc
const META = { title: 'Draft Astana Statement', label: 'Podium version as of COB, 4 October 2022', hash: 'abc123' }

describe('handleExport (GET /api/docs/<doc>/export?format=…)', () => {
  it('answers each format with its type, a download name and the body', async () => {
    const expected: Record<string, [string, RegExp]> = {
      text: ['text/plain; charset=utf-8', /^Chairmanship of Kazakhstan\n/],
      html: ['text/html; charset=utf-8', /^<!doctype html>/],
      akn: ['application/akn+xml; charset=utf-8', /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<akomaNtoso /],
      docx: ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', /^PK\x03\x04/]
    }
    for (const [format, [type, body]] of Object.entries(expected)) {
      const r = await handleExport(doc, format, META)
      expect(r.status, format).toBe(200)
      expect(r.contentType).toBe(type)
      expect(Buffer.from(r.body).toString('latin1')).toMatch(body)
      expect(r.filename).toBe(exportFilename(META, format as never))
      expect(r.headers['Content-Disposition']).toBe(`attachment; filename="${r.filename}"`)
    }
    expect(exportFilename(META, 'akn')).toBe('draft-astana-statement-podium-version-as-of-cob-4-october-2022.akn.xml')
    expect(exportFilename({ title: 'Ж', date: new Date('2022-10-04T17:42:09Z') }, 'text')).toBe('podium-live-2022-10-04-1742utc.txt')
  })

  it('gives 400 JSON for a missing or unknown format and 501 JSON for PDF without a browser', async () => {
    for (const f of [undefined, null, '', 'rtf']) {
      const r = await handleExport(doc, f, META)
      expect(r.status).toBe(400)
      expect(r.contentType).toBe('application/json; charset=utf-8')
      expect(JSON.parse(String(r.body))).toEqual({ error: 'bad-format', message: expect.stringContaining('is not one of text, docx, html, pdf, akn') })
    }
    const r = await handleExport(doc, 'pdf', META, { browser: null })
    expect(r.status).toBe(501)
    expect(JSON.parse(String(r.body))).toEqual({ error: 'no-browser', message: expect.stringContaining('Chromium') })
    expect(r.filename).toBeNull()
  })

  it('keeps the download name plain ASCII', () => {
    expect(contentDisposition('a"b\\c-é.txt')).toBe('attachment; filename="a_b_c-_.txt"')
  })
})
