import { describe, expect, it } from 'vitest'
import { podium } from '../helpers/cli.ts'

const ASTANA_FILE = new URL('../../fixtures/astana-statement.txt', import.meta.url).pathname

describe('podium status', () => {
  it('prints the analysis as one JSON object with --json', () => {
    const r = podium(['status', ASTANA_FILE, '--json'])
    expect(r.code).toBe(0)
    expect(r.stdout.trim().split('\n')).toHaveLength(1)
    const out = JSON.parse(r.stdout)
    expect(Object.keys(out).sort()).toEqual(['paragraphs', 'totals', 'warnings'])
    expect(out.totals).toEqual({ paragraphs: 33, open: 6, agreed: 27, brackets: 9, positions: 34, notes: 4 })
    const pp4 = out.paragraphs.find((p: { label: string }) => p.label === 'PP4')
    expect(pp4).toMatchObject({ status: 'open', positions: [{ delegation: 'IRAN', stance: '+', qualifier: null }, { delegation: 'CHN' }, { delegation: 'IND' }, { delegation: 'RUS' }] })
    expect(pp4.brackets.map((b: { depth: number }) => b.depth)).toEqual([1, 2])
    expect(typeof pp4.id).toBe('string')
  })

  it('reports warnings with line and column in JSON', () => {
    const r = podium(['status', '-', '--json'], 'PP1. ok\n\nPP2. [open (+IND)')
    expect(JSON.parse(r.stdout).warnings).toEqual([{ line: 3, column: 6, message: 'unmatched "[" kept as text' }])
  })

  it('prints a readable summary without --json', () => {
    const r = podium(['status', ASTANA_FILE])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('OP5(1)')
    expect(r.stdout).toContain('33 paragraphs: 6 open, 27 agreed; 9 brackets, 34 positions, 4 notes')
  })

  it('lists paragraph numbers as the room says them: 12, 12(b), 12(c)', () => {
    const r = podium(['status', '-'], '12. Decides [x]:\n\n(a) agreed;\n\n(b) [open];\n\n(c) [also open]')
    expect(r.code).toBe(0)
    const labels = r.stdout.split('\n').filter((l) => /open {4}\d/.test(l)).map((l) => l.split(/\s+/)[0])
    expect(labels).toEqual(['12', '12(b)', '12(c)'])
  })

  it('exits 2 for an unknown command or a missing file', () => {
    expect(podium(['nonsense']).code).toBe(2)
    const r = podium(['status', '/nonexistent/file.txt'])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe('podium status: /nonexistent/file.txt: no such file\n')
  })
})
