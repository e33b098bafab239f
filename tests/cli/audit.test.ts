import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { podium } from '../helpers/cli.ts'
import { cleanupDirs, DOC } from '../server/helpers.ts'
import { buildHistory, type History } from '../server/tamper-helpers.ts'

afterAll(cleanupDirs)

let base: History
beforeAll(() => { base = buildHistory() })

describe('podium audit', () => {
  it('prints one line per accepted update or refusal, oldest first, with --delegation, --since and --json', () => {
    const r = podium(['audit', DOC, '--data', base.dir])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const lines = r.stdout.trim().split('\n')
    expect(lines).toHaveLength(9)
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z +server +accepted +update 1 +\(\d+ bytes\)$/)
    expect(lines[1]).toMatch(new RegExp(`Z +IND +accepted +update ${base.compacted[1]}  \\(\\d+ bytes\\)$`))
    expect(lines.at(-2)).toMatch(/Z +CHN +REFUSED +position-owner: Only India can withdraw India's position +\(40 bytes\)$/)
    expect(lines.at(-1)).toMatch(/Z +IND +REFUSED +agreed-locked: PP2 is agreed ad ref +\(12 bytes\)$/)

    const chn = podium(['audit', DOC, '--delegation', 'CHN', '--data', base.dir]).stdout.trim().split('\n')
    expect(chn.map((l) => l.includes('REFUSED') ? 'refused' : 'accepted')).toEqual(['accepted', 'accepted', 'accepted', 'refused'])

    const json = podium(['audit', DOC, '--since', '2999-01-01', '--json', '--data', base.dir])
    expect(json).toMatchObject({ code: 0, stdout: '\n' })
    const none = podium(['audit', DOC, '--since', '2999-01-01', '--data', base.dir])
    expect(none.stdout).toBe(`no audit entries for ${DOC} with these filters\n`)
    const entries = podium(['audit', DOC, '--json', '--data', base.dir]).stdout.trim().split('\n').map((l) => JSON.parse(l))
    expect(entries.at(-1)).toMatchObject({ kind: 'refused', delegation: 'IND', rule: 'agreed-locked' })
  })

  it('exits 2 with one line for a bad --since, a missing document or no document', () => {
    for (const [args, message] of [
      [['audit', DOC, '--since', 'soon', '--data', base.dir], /--since soon is not an ISO date/],
      [['audit', 'nope', '--data', base.dir], /no document named nope/],
      [['audit', '--data', base.dir], /give one document name/]
    ] as const) {
      const r = podium([...args])
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr).toMatch(message)
    }
  })
})
