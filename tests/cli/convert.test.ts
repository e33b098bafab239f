import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { normalisePodiumText } from '../../shared/format/index.ts'
import { podium } from '../helpers/cli.ts'
import { SEED } from '../helpers/seed.ts'

const SEED_FILE = new URL('../../fixtures/seed.txt', import.meta.url).pathname

describe('podium convert', () => {
  it('writes the seed back as podium text unchanged, with the one warning on standard error', () => {
    const r = podium(['convert', SEED_FILE, '--to', 'text'])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(normalisePodiumText(SEED))
    expect(r.stderr).toMatch(/seed\.txt:371:214: warning: unmatched "\]" kept as text/)
  })

  it('reads standard input with "-" and writes JSON with the ProseMirror document', () => {
    const r = podium(['convert', '-', '--to', 'json'], 'PP1. [text] (+IND)')
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out.doc.content[0].content.map((n: { type: string }) => n.type)).toEqual(['text', 'bracket', 'text', 'delegation_mark'])
    expect(out.warnings).toEqual([])
  })

  it('renders styled HTML to a file with -o, brackets and marks distinguishable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'podium-cli-'))
    const out = join(dir, 'out.html')
    const r = podium(['convert', '-', '--to', 'html', '-o', out], 'PP4. Text [bracketed <b>] (-IND) (+CHN)')
    expect(r.code).toBe(0)
    const html = readFileSync(out, 'utf8')
    expect(html).toContain('<span class="bracket d1">bracketed &lt;b&gt;</span>')
    expect(html).toMatch(/<span class="chip oppose" style="--c:#e07000"[^>]*>\(-IND\)<\/span>/)
    expect(html).toContain('<span class="status open">open</span>')
  })

  it('takes a roster file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'podium-cli-'))
    const roster = join(dir, 'roster.json')
    writeFileSync(roster, JSON.stringify([{ code: 'USA', name: 'United States', colour: '#223344' }]))
    const r = podium(['convert', '-', '--to', 'json', '--roster', roster], 'x (USA: agree)')
    expect(JSON.parse(r.stdout).doc.content[0].content[1].type).toBe('note')
  })

  it('fails with one clear line and exit 2 on a missing file, a directory, invalid UTF-8 or a bad format', () => {
    const dir = mkdtempSync(join(tmpdir(), 'podium-cli-'))
    const bad = join(dir, 'bad.txt')
    writeFileSync(bad, Buffer.from([0x50, 0x50, 0x31, 0xff, 0xfe]))
    const badRoster = join(dir, 'roster.json')
    writeFileSync(badRoster, '[{"code": "lower"}]')
    for (const [args, message] of [
      [['convert', join(dir, 'missing.txt'), '--to', 'text'], /missing\.txt: no such file/],
      [['convert', dir, '--to', 'text'], /is a directory/],
      [['convert', bad, '--to', 'html'], /not valid UTF-8/],
      [['convert', SEED_FILE, '--to', 'pdfx'], /--to pdfx is not one of/],
      [['convert', SEED_FILE, '--roster', badRoster], /code "lower" is not an upper-case delegation code/]
    ] as const) {
      const r = podium([...args])
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr.trim().split('\n')[0]).toMatch(message)
      expect(r.stdout).toBe('')
    }
  })
})
