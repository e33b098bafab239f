import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { XMLValidator } from 'fast-xml-parser'
import { normalisePodiumText } from '../../shared/format/index.ts'
import { findChromium } from '../../server/export/index.ts'
import { podium } from '../helpers/cli.ts'
import { ASTANA } from '../helpers/seed.ts'

const ASTANA_FILE = new URL('../../fixtures/astana-statement.txt', import.meta.url).pathname
const tmp = () => mkdtempSync(join(tmpdir(), 'podium-export-cli-'))

describe('podium convert to and from Word, Akoma Ntoso and PDF', () => {
  it('converts podium text to DOCX and the DOCX back to the same podium text', () => {
    const dir = tmp()
    const out = join(dir, 'a.docx')
    const r = podium(['convert', ASTANA_FILE, '--to', 'docx', '-o', out, '--label', 'Podium version as of COB, 4 October 2022'])
    expect([r.code, r.stderr, r.stdout]).toEqual([0, '', ''])
    expect(readFileSync(out).subarray(0, 4).toString('latin1')).toBe('PK\x03\x04')
    const back = podium(['convert', out, '--to', 'text'])
    expect(back.code).toBe(0)
    expect(back.stdout).toBe(normalisePodiumText(ASTANA))
  })

  it('writes Akoma Ntoso to standard output', () => {
    const r = podium(['convert', ASTANA_FILE, '--to', 'akn'])
    expect(r.code).toBe(0)
    expect(XMLValidator.validate(r.stdout)).toBe(true)
    expect(r.stdout).toContain('<doc name="statement">')
  })

  it.skipIf(!findChromium() && !process.env.CI)('prints PDF with Chromium', () => {
    const out = join(tmp(), 'a.pdf')
    const r = podium(['convert', ASTANA_FILE, '--to', 'pdf', '-o', out])
    expect(r.code, r.stderr).toBe(0)
    expect(readFileSync(out).subarray(0, 5).toString('latin1')).toBe('%PDF-')
  }, 90_000)

  it('names the missing browser and exits 2 when Chromium is not there', () => {
    const before = process.env.PODIUM_CHROMIUM
    process.env.PODIUM_CHROMIUM = '/nonexistent/chromium'
    try {
      const out = join(tmp(), 'a.pdf')
      const r = podium(['convert', ASTANA_FILE, '--to', 'pdf', '-o', out])
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(/^podium convert: PDF export needs Chromium, and none was found/)
      expect(existsSync(out)).toBe(false)
    } finally {
      if (before === undefined) delete process.env.PODIUM_CHROMIUM
      else process.env.PODIUM_CHROMIUM = before
    }
  })

  it('refuses bad Word files with one line and exit 2', () => {
    const dir = tmp()
    const empty = join(dir, 'empty.docx')
    writeFileSync(empty, '')
    const fake = join(dir, 'fake.docx')
    writeFileSync(fake, 'not a zip')
    for (const [file, message] of [[empty, /empty\.docx is empty/], [fake, /fake\.docx is not a Word document/]] as const) {
      const r = podium(['convert', file, '--to', 'text'])
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(message)
      expect(r.stdout).toBe('')
    }
  })
})

describe('podium import and podium export on a data directory', () => {
  it('imports a Podium DOCX into a new document and exports it back', () => {
    const dir = tmp()
    const data = join(dir, 'data')
    const docx = join(dir, 'a.docx')
    expect(podium(['convert', ASTANA_FILE, '--to', 'docx', '-o', docx, '--title', 'Draft Astana Statement']).code).toBe(0)

    const dry = podium(['import', docx, '--doc', 'astana', '--data', data, '--dry-run'])
    expect(dry.code).toBe(0)
    expect(dry.stdout).toContain('Word document; 33 paragraphs, 3 headings, 9 brackets, 34 positions, 4 notes')
    expect(existsSync(data)).toBe(false)

    const r = podium(['import', docx, '--doc', 'astana', '--data', data])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('created document "astana" (Draft Astana Statement)')

    const text = podium(['export', 'astana', '--format', 'text', '--data', data])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toBe(normalisePodiumText(ASTANA))
    const out = join(dir, 'out.docx')
    expect(podium(['export', 'astana', '--format', 'docx', '--data', data, '-o', out]).code).toBe(0)
    expect(readFileSync(out).subarray(0, 2).toString()).toBe('PK')

    const again = podium(['import', docx, '--doc', 'astana', '--data', data])
    expect(again.code).toBe(2)
    expect(again.stderr).toMatch(/document "astana" exists already/)
  })

  it('changes nothing on a bad file, --replace or a missing document', () => {
    const dir = tmp()
    const data = join(dir, 'data')
    const bad = join(dir, 'bad.docx')
    writeFileSync(bad, Buffer.from('PK\x03\x04garbage', 'latin1'))
    const r = podium(['import', bad, '--doc', 'x', '--data', data])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/bad\.docx is not a readable zip archive/)
    expect(existsSync(data)).toBe(false)

    const replace = podium(['import', ASTANA_FILE, '--doc', 'x', '--replace', '--data', data])
    expect(replace.code).toBe(2)
    expect(replace.stderr).toMatch(/no Podium data in/)
    expect(existsSync(data)).toBe(false)

    expect(podium(['import', ASTANA_FILE, '--doc', 'astana', '--data', data]).code).toBe(0)
    for (const [args, message] of [
      [['export', 'nope', '--format', 'text', '--data', data], /no document "nope"/],
      [['export', 'astana', '--format', 'rtf', '--data', data], /--format rtf is not one of/],
      [['export', 'astana', '--format', 'text', '--snapshot', 's1', '--data', data], /--snapshot s1 is not a snapshot id/],
      [['export', 'astana', '--format', 'text', '--snapshot', '7', '--data', data], /astana has no snapshot 7/],
      [['import', ASTANA_FILE, '--doc', 'other', '--replace', '--data', data], /no document "other" to replace/],
      [['export', 'astana', '--format', 'text', '--data', join(dir, 'elsewhere')], /no Podium database/]
    ] as const) {
      const e = podium([...args])
      expect(e.code, args.join(' ')).toBe(2)
      expect(e.stderr).toMatch(message)
    }
    expect(existsSync(join(dir, 'elsewhere'))).toBe(false)
  })
})
