import { describe, expect, it } from 'vitest'
import { zipSync, strToU8 } from 'fflate'
import { normalisePodiumText, serializePodium } from '../../shared/format/index.ts'
import { MAX_IMPORT_BYTES, detectKind, previewImport } from '../../server/import/index.ts'
import { ASTANA } from '../helpers/seed.ts'

describe('previewImport', () => {
  it('recognises podium text, as a string or as bytes, with counts and placed warnings', async () => {
    for (const input of [ASTANA, Buffer.from(ASTANA)]) {
      const r = await previewImport(input, 'astana.txt')
      if (!r.ok) throw new Error(r.message)
      expect(r.kind).toBe('text')
      expect(serializePodium(r.doc)).toBe(normalisePodiumText(ASTANA))
      expect(r.summary).toEqual({ paragraphs: 33, headings: 3, brackets: 9, positions: 34, notes: 4 })
      expect(r.warnings).toEqual([])
    }
    const w = await previewImport('PP1. text\n\nOP1. a ] b [c', 'x.txt')
    if (!w.ok) throw new Error(w.message)
    expect(w.warnings.map((x) => [x.line, x.column])).toEqual([[3, 8], [3, 12]])
    expect(w.summary.brackets).toBe(0)
  })

  it('tells a DOCX by its zip signature or its name', () => {
    expect(detectKind(Buffer.from('PK\x03\x04rest', 'latin1'), 'file.txt')).toBe('docx')
    expect(detectKind(Buffer.from('PP1. text'), 'file.DOCX')).toBe('docx')
    expect(detectKind(Buffer.from('PP1. text'), 'file.txt')).toBe('text')
  })

  it('refuses bad files with a clear error value', async () => {
    const noDocument = zipSync({ '[Content_Types].xml': strToU8('<Types/>'), 'word/styles.xml': strToU8('<x/>') })
    const cases: [Uint8Array | string, string, string, RegExp][] = [
      [new Uint8Array(0), 'empty.docx', 'empty', /empty\.docx is empty \(0 bytes\)/],
      ['', 'paste', 'empty', /is empty/],
      ['  \n\n ', 'paste', 'empty', /holds no text/],
      [Buffer.from('PP1. not a zip at all'), 'fake.docx', 'not-zip', /fake\.docx is not a Word document: a \.docx file is a zip archive/],
      [Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(200, 7)]), 'broken.docx', 'not-zip', /broken\.docx is not a readable zip archive/],
      [noDocument, 'other.zip', 'not-docx', /other\.zip is a zip archive but not a Word document: it has no word\/document\.xml/],
      [Buffer.from([0x50, 0x50, 0xff, 0xfe, 0x00]), 'bin.txt', 'not-text', /neither a Word document nor UTF-8 text/],
      [Buffer.from('PP1. a\u0000b'), 'nul.txt', 'not-text', /binary data/]
    ]
    for (const [input, name, code, message] of cases) {
      const r = await previewImport(input, name)
      expect(r.ok, name).toBe(false)
      if (r.ok) continue
      expect(r.code, name).toBe(code)
      expect(r.message, name).toMatch(message)
    }
  })

  it('refuses a 50 MB file before reading it, and honours a smaller limit', async () => {
    const big = Buffer.alloc(50 * 1024 * 1024, 0x61)
    big.write('PK\x03\x04', 'latin1')
    const t0 = Date.now()
    const r = await previewImport(big, 'big.docx')
    expect(Date.now() - t0).toBeLessThan(1000)
    expect(r).toEqual({ ok: false, code: 'too-large', message: 'big.docx is 50.0 MB, more than the 20.0 MB an import may be' })
    expect(MAX_IMPORT_BYTES).toBe(20 * 1024 * 1024)
    const small = await previewImport('PP1. twelve bytes', 'p.txt', { maxBytes: 10 })
    expect(small.ok ? null : small.code).toBe('too-large')
  })

  it('reads a plain Word file (not made by Podium): paragraphs after blank lines, bold and strike as marks', async () => {
    const p = (runs: string) => `<w:p>${runs}</w:p>`
    const r = (text: string, props = '') => `<w:r>${props ? `<w:rPr>${props}</w:rPr>` : ''}<w:t xml:space="preserve">${text}</w:t></w:r>`
    const body = [
      p(r('OP1. We ') + r('decide', '<w:b/>') + r(' to [act] (+IND) ') + r('now', '<w:strike/>')),
      p(r('OP2. Agreed text (IND: keep original)')),
      p('')
    ].join('')
    const docx = zipSync({
      '[Content_Types].xml': strToU8('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'),
      '_rels/.rels': strToU8('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'),
      'word/document.xml': strToU8(`<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`)
    })
    const res = await previewImport(docx, 'plain.docx')
    if (!res.ok) throw new Error(res.message)
    expect(res.kind).toBe('docx')
    expect(res.text).toBe('OP1. We **decide** to [act] (+IND) ~~now~~\n\nOP2. Agreed text (IND: keep original)\n')
    expect(res.summary).toEqual(expect.objectContaining({ paragraphs: 2, headings: 0, brackets: 1, positions: 1, notes: 1 }))
    expect(res.title).toBeNull()
  })

  it('throws RangeError for arguments of the wrong type', async () => {
    await expect(previewImport(42 as never, 'x')).rejects.toThrow(RangeError)
    await expect(previewImport('x', undefined as never)).rejects.toThrow(RangeError)
  })
})
