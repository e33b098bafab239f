import { join } from 'node:path'
import * as Y from 'yjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { snapshotDoc, snapshotTextSha256 } from '../../server/snapshots/service.ts'
import { IntegrityError, snapshotSeal } from '../../server/storage/chain.ts'
import { TRIGGERS } from '../../server/storage/migrate.ts'
import { DB_FILE, openSqliteStorage } from '../../server/storage/sqlite.ts'
import { verifyFile, type VerifyReport } from '../../server/storage/verify.ts'
import { FRAGMENT_NAME, newYDoc } from '../../shared/ydoc.ts'
import { cleanupDirs, DOC } from './helpers.ts'
import { appendEdit, buildHistory, copyData, tamper, type History } from './tamper-helpers.ts'

afterAll(cleanupDirs)

let base: History
beforeAll(() => { base = buildHistory() })

const check = (dir: string): VerifyReport => verifyFile(join(dir, DB_FILE), { snapshotTextSha256 })
const lines = (r: VerifyReport) => r.problems.map((p) => `${p.where}: ${p.message}`)

describe('tamper evidence in storage: every stored row is chained, and verify names the first broken link', () => {
  it('an untouched history verifies, with each chain head', () => {
    const r = check(base.dir)
    expect(lines(r)).toEqual([])
    expect(r.ok).toBe(true)
    expect(r.heads).toEqual([{ doc: DOC, id: base.pending.at(-1), hash: expect.stringMatching(/^[0-9a-f]{64}$/) }])
    expect(r.checked).toMatchObject({ updates: 3, states: 1, snapshots: 1, refusals: 2 })
  })

  it('an update whose bytes were changed', () => {
    const dir = copyData(base.dir)
    const id = base.pending[1]
    tamper(dir, (db) => {
      const { data } = db.prepare<[number], { data: Buffer }>('SELECT data FROM updates WHERE id = ?').get(id)!
      data[data.length - 3] ^= 1
      db.prepare('UPDATE updates SET data = ? WHERE id = ?').run(data, id)
    })
    expect(lines(check(dir))).toEqual([`${DOC}: update ${id} does not match its hash (changed after it was written)`])
  })

  it('an update row deleted in the middle of the log, and at its end', () => {
    const middle = copyData(base.dir)
    tamper(middle, (db) => db.prepare('DELETE FROM updates WHERE id = ?').run(base.pending[1]))
    expect(lines(check(middle))).toEqual([`${DOC}: update ${base.pending[1]} was deleted (the audit records it; update ${base.pending[2]} does not follow update ${base.pending[0]})`])
    const end = copyData(base.dir)
    tamper(end, (db) => db.prepare('DELETE FROM updates WHERE id = ?').run(base.pending[2]))
    expect(lines(check(end))).toEqual([`${DOC}: update ${base.pending[2]} was deleted (the audit records it; the log ends at update ${base.pending[1]})`])
  })

  it('an audit row changed to attribute an update to another delegation (the update is compacted)', () => {
    const dir = copyData(base.dir)
    tamper(dir, (db) => {
      db.exec('DROP TRIGGER audit_no_update')
      db.prepare("UPDATE audit SET delegation = 'RUS' WHERE update_id = ?").run(base.compacted[1])
      db.exec("CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;")
    })
    expect(lines(check(dir))).toEqual([expect.stringMatching(new RegExp(`^audit: audit row \\d+ \\(${DOC}, update ${base.compacted[1]}\\) does not match its hash \\(changed after it was written\\)$`))])
  })

  it('audit rows deleted (the trigger dropped first), in the middle and at the end', () => {
    const dir = copyData(base.dir)
    tamper(dir, (db) => {
      db.exec('DROP TRIGGER audit_no_delete')
      db.prepare('DELETE FROM audit WHERE update_id = ?').run(base.compacted[2])
    })
    const r = check(dir)
    expect(lines(r)).toContain('database: trigger audit_no_delete is missing (dropped: audit can be changed or deleted without the database refusing)')
    expect(lines(r).find((l) => l.startsWith('audit:'))).toMatch(/^audit: audit row (\d+) does not follow row (\d+) \(row \d+ deleted\)$/)

    const tail = copyData(base.dir)
    tamper(tail, (db) => {
      db.exec('DROP TRIGGER audit_no_delete')
      db.prepare('DELETE FROM audit WHERE update_id = ?').run(base.pending[2])
      db.exec("CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;")
    })
    expect(lines(check(tail))).toEqual([
      expect.stringMatching(/^audit: audit row (\d+) was deleted \(the table had reached row \1; it now ends at \d+\)$/),
      `${DOC}: update ${base.pending[2]} has no audit row (its sender and time were deleted)`
    ])
  })

  it('refusals deleted', () => {
    const dir = copyData(base.dir)
    tamper(dir, (db) => {
      db.exec('DROP TRIGGER refusals_no_delete')
      db.prepare('DELETE FROM refusals WHERE id = 1').run()
      db.exec("CREATE TRIGGER refusals_no_delete BEFORE DELETE ON refusals BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;")
    })
    expect(lines(check(dir))).toEqual(['refusals: refusal 2 is not the start of the refusals (the rows before it were deleted)'])
  })

  it('a dropped trigger', () => {
    const dir = copyData(base.dir)
    tamper(dir, (db) => db.exec('DROP TRIGGER snapshots_no_update'))
    expect(lines(check(dir))).toEqual(['database: trigger snapshots_no_update is missing (dropped: snapshots can be changed or deleted without the database refusing)'])
  })

  it('a compacted state changed: verify names it and loading the document refuses it', () => {
    const dir = copyData(base.dir)
    tamper(dir, (db) => {
      const { data } = db.prepare<[string], { data: Buffer }>('SELECT data FROM states WHERE doc = ?').get(DOC)!
      db.prepare('UPDATE states SET data = ? WHERE doc = ?').run(Buffer.concat([data.subarray(0, data.length - 1), Buffer.from([data[data.length - 1] ^ 1])]), DOC)
    })
    expect(lines(check(dir))).toEqual([`${DOC}: the compacted state (updates up to ${base.compacted.at(-1)}) does not match its hash (changed after it was written)`])
    const storage = openSqliteStorage(dir)
    try {
      expect(() => storage.load(DOC)).toThrow(IntegrityError)
      expect(() => storage.load(DOC)).toThrow(`${DOC}: the compacted state (updates up to ${base.compacted.at(-1)}) does not match its hash`)
    } finally {
      storage.close()
    }
  })

  it("a snapshot's state bytes changed (the trigger dropped first): verify names it and reading it throws", () => {
    const dir = copyData(base.dir)
    tamper(dir, (db) => {
      db.exec('DROP TRIGGER snapshots_no_update')
      const { state } = db.prepare<[number], { state: Buffer }>('SELECT state FROM snapshots WHERE id = ?').get(base.snapshotId)!
      state[state.length - 2] ^= 1
      db.prepare('UPDATE snapshots SET state = ? WHERE id = ?').run(state, base.snapshotId)
      db.exec("CREATE TRIGGER snapshots_no_update BEFORE UPDATE ON snapshots BEGIN SELECT RAISE(ABORT, 'snapshots are immutable'); END;")
    })
    expect(lines(check(dir))).toEqual([`${DOC}: snapshot ${base.snapshotId} ("Podium version as of COB, 4 October 2022") does not match its hash (changed after it was written)`])
    const storage = openSqliteStorage(dir)
    try {
      expect(() => storage.getSnapshot(DOC, base.snapshotId)).toThrow(`${DOC}: snapshot ${base.snapshotId} does not match its hash (changed after it was written)`)
    } finally {
      storage.close()
    }
  })

  it("a snapshot's text changed and re-sealed: its podium text no longer matches its SHA-256", () => {
    const dir = copyData(base.dir)
    tamper(dir, (db) => {
      db.exec('DROP TRIGGER snapshots_no_update')
      type Row = { doc: string; label: string; created_at: string; taken_by: string; role: string; cob_date: string | null; sha256: string; upto: number; totals: string; snapshot: Buffer; state: Buffer; head: string; prev: string }
      const row = db.prepare<[number], Row>('SELECT * FROM snapshots WHERE id = ?').get(base.snapshotId)!
      const ydoc = newYDoc()
      Y.applyUpdate(ydoc, row.state)
      const p = new Y.XmlElement('paragraph')
      p.insert(0, [new Y.XmlText('forged paragraph')])
      ydoc.getXmlFragment(FRAGMENT_NAME).push([p])
      const state = Y.encodeStateAsUpdate(ydoc)
      const seal = snapshotSeal(row.prev, { doc: row.doc, label: row.label, createdAt: row.created_at, takenBy: row.taken_by, role: row.role, cobDate: row.cob_date, sha256: row.sha256, upto: row.upto, totals: row.totals, head: row.head, snapshot: row.snapshot, state })
      db.prepare('UPDATE snapshots SET state = ?, seal = ? WHERE id = ?').run(state, seal, base.snapshotId)
      db.exec("CREATE TRIGGER snapshots_no_update BEFORE UPDATE ON snapshots BEGIN SELECT RAISE(ABORT, 'snapshots are immutable'); END;")
    })
    expect(lines(check(dir))).toEqual([`${DOC}: snapshot ${base.snapshotId} ("Podium version as of COB, 4 October 2022"): its text does not match its SHA-256 (changed after it was written)`])
    const storage = openSqliteStorage(dir)
    try {
      expect(() => snapshotDoc(storage.getSnapshot(DOC, base.snapshotId)!)).toThrow(`${DOC}: snapshot ${base.snapshotId}'s text does not match its SHA-256`)
    } finally {
      storage.close()
    }
  })

  it('appending from two storages (the server and the CLI) on one file keeps one chain', () => {
    const dir = copyData(base.dir)
    const a = openSqliteStorage(dir)
    const b = openSqliteStorage(dir)
    try {
      appendEdit(a, 'IND', 'from the server')
      appendEdit(b, 'CHN', 'from the command line')
      appendEdit(a, 'IND', 'from the server again')
      a.compact(DOC)
      appendEdit(b, 'CHN', 'after compaction')
    } finally {
      a.close()
      b.close()
    }
    expect(lines(check(dir))).toEqual([])
  })

  it('a database written before the chain gets its columns and is chained on first open, then verifies', () => {
    const dir = copyData(base.dir)
    tamper(dir, (db) => {
      for (const t of db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'trigger'").all()) db.exec(`DROP TRIGGER ${t.name}`)
      db.exec('DROP TABLE integrity_events')
      // Nor had it pieced snapshots (server/storage/snapshot-parts.ts).
      db.exec('DROP TABLE snapshot_parts; DROP TABLE snapshot_writes; DROP INDEX snapshots_parts; ALTER TABLE snapshots DROP COLUMN parts')
      const columns = { docs: ['head_id', 'head_hash'], states: ['head', 'hash'], updates: ['prev', 'hash'], audit: ['identity', 'link', 'prev', 'hash'], refusals: ['prev', 'hash'], snapshots: ['head', 'prev', 'seal'] }
      for (const [table, names] of Object.entries(columns)) for (const c of names) db.exec(`ALTER TABLE ${table} DROP COLUMN ${c}`)
      // The triggers an older Podium had.
      for (const t of TRIGGERS) if (t.table !== 'integrity_events') db.exec(t.sql)
    })
    expect(lines(check(dir))).toEqual(['database: it has no hash chain yet (written by an older Podium): start the server once with this version to add it'])
    const storage = openSqliteStorage(dir)
    expect(storage.openWarnings).toEqual([])
    appendEdit(storage, 'IND', 'after the upgrade')
    storage.close()
    const r = check(dir)
    expect(lines(r)).toEqual([])
    expect(r.warnings).toEqual([expect.stringMatching(/the hash chain was added to this database: \d+ rows written before were chained as found/)])
  })
})
