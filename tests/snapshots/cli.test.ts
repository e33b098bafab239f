import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { normalisePodiumText } from '../../shared/format/index.ts'
import { podium } from '../helpers/cli.ts'
import { ASTANA } from '../helpers/seed.ts'
import { cleanupDirs, tempDir } from '../server/helpers.ts'

afterAll(cleanupDirs)

describe('podium snapshot, snapshots, compare, export --snapshot, import --replace', () => {
  it('takes snapshots, compares them and exports one, on the data directory', () => {
    const data = tempDir()
    expect(podium(['import', new URL('../../fixtures/astana-statement.txt', import.meta.url).pathname, '--doc', 'astana', '--data', data]).code).toBe(0)

    const first = podium(['snapshot', 'astana', '--label', 'Podium version as of COB, 28 September 2022', '--data', data])
    expect(first.code).toBe(0)
    const s1 = JSON.parse(first.stdout)
    expect(s1).toMatchObject({ id: 1, label: 'Podium version as of COB, 28 September 2022', takenBy: 'cli', totals: { open: 6, brackets: 9 } })
    expect(s1.sha256).toMatch(/^[0-9a-f]{64}$/)

    // Replace the text with a version where RUS no longer opposes OP5(1).
    const changed = join(data, 'changed.txt')
    writeFileSync(changed, ASTANA.replace('(OICA);] (-RUS)', '(OICA);]'))
    const rep = podium(['import', changed, '--doc', 'astana', '--replace', '--data', data])
    expect(rep.code).toBe(0)
    expect(rep.stdout).toMatch(/replaced the text of "astana" \(snapshot 2 holds the text before\)/)

    const list = podium(['snapshots', 'astana', '--data', data])
    expect(list.stdout.trim().split('\n')).toHaveLength(2)
    expect(list.stdout).toContain('Before replacing the text with changed.txt')

    const cmp = podium(['compare', 'astana', '1', 'live', '--data', data])
    expect(cmp.code).toBe(0)
    expect(cmp.stdout).toContain('RUS withdrew its opposition to the bracket in OP5(1) — Secretariat (command line)')
    const json = JSON.parse(podium(['compare', 'astana', '1', 'live', '--format', 'json', '--data', data]).stdout)
    expect(json.changes.map((c: { kind: string }) => c.kind)).toEqual(['position-dropped'])

    const out = join(data, 's1.txt')
    expect(podium(['export', 'astana', '--format', 'text', '--snapshot', '1', '-o', out, '--data', data]).code).toBe(0)
    expect(readFileSync(out, 'utf8')).toBe(normalisePodiumText(ASTANA))
  })

  it('exits 2 with one clear line for a missing document, a bad id or a missing label', () => {
    const data = tempDir()
    expect(podium(['import', '-', '--doc', 'd', '--data', data], 'PP1. text').code).toBe(0)
    for (const [args, message] of [
      [['snapshot', 'd', '--data', data], /--label is required/],
      [['snapshot', 'nope', '--label', 'x', '--data', data], /no document named nope/],
      [['snapshots', 'd', '--data', join(data, 'none')], /no Podium data in/],
      [['compare', 'd', 'x', 'live', '--data', data], /x is not a snapshot id/],
      [['compare', 'd', '4', 'live', '--data', data], /d has no snapshot 4/],
      [['compare', 'd', 'last-cob', 'live', '--data', data], /d has no snapshot yet/]
    ] as const) {
      const r = podium([...args])
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr).toMatch(message)
    }
  })
})
