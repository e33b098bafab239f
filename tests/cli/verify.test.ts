import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { podium } from '../helpers/cli.ts'
import { cleanupDirs, DOC, tempDir } from '../server/helpers.ts'
import { buildHistory, copyData, tamper, type History } from '../server/tamper-helpers.ts'

afterAll(cleanupDirs)

let base: History
beforeAll(() => { base = buildHistory() })

describe('podium verify', () => {
  it('exits 0 on an intact database, one line per chain', () => {
    const r = podium(['verify', '--data', base.dir])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(new RegExp(`^${DOC}: intact \\(head: update ${base.pending.at(-1)}, [0-9a-f]{16}…\\)$`, 'm'))
    expect(r.stdout).toMatch(/^audit: intact \(\d+ rows\)$/m)
    expect(r.stdout).toMatch(/^refusals: intact \(2 rows\)$/m)
    expect(r.stdout.trim().split('\n').at(-1)).toBe('intact: 3 updates, 1 compacted states, 1 snapshots, 7 audit rows, 2 refusals checked')
    expect(podium(['verify', DOC, '--data', base.dir, '--json'])).toMatchObject({ code: 0, stdout: expect.stringContaining('"ok":true') })
  })

  it('exits 1 naming the first broken link: a changed update, a dropped trigger, a changed snapshot', () => {
    const dir = copyData(base.dir)
    const id = base.pending[0]
    tamper(dir, (db) => {
      db.prepare("UPDATE updates SET data = data || x'00' WHERE id = ?").run(id)
      db.exec('DROP TRIGGER snapshots_no_update')
      db.prepare("UPDATE snapshots SET label = 'Podium version as of COB, 5 October 2022' WHERE id = ?").run(base.snapshotId)
    })
    const r = podium(['verify', '--data', dir])
    expect(r.code).toBe(1)
    const lines = r.stdout.trim().split('\n')
    expect(lines).toContain(`${DOC}: update ${id} does not match its hash (changed after it was written)`)
    expect(lines).toContain('database: trigger snapshots_no_update is missing (dropped: snapshots can be changed or deleted without the database refusing)')
    expect(lines).toContain(`${DOC}: snapshot ${base.snapshotId} ("Podium version as of COB, 5 October 2022") does not match its hash (changed after it was written)`)
    expect(lines.at(-1)).toBe('BROKEN: 3 broken links')
  })

  it('exits 1 when audit rows were deleted', () => {
    const dir = copyData(base.dir)
    tamper(dir, (db) => {
      db.exec('DROP TRIGGER audit_no_delete')
      db.prepare('DELETE FROM audit WHERE id IN (2, 3)').run()
      db.exec("CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;")
    })
    const r = podium(['verify', '--data', dir])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('audit: audit row 4 does not follow row 1 (rows 2–3 deleted)')
  })

  it('exits 2 for usage errors, with one line', () => {
    for (const [args, message] of [
      [['verify', 'a', 'b', '--data', base.dir], /give at most one document name/],
      [['verify', 'nope', '--data', base.dir], /no document named nope/],
      [['verify', '--data', tempDir()], /no Podium data in/],
      [['verify', '--bogus', '--data', base.dir], /--bogus/]
    ] as const) {
      const r = podium([...args])
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr).toMatch(message)
    }
  })
})
