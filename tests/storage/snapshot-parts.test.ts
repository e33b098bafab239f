// Large snapshots: on SQLite written in pieces (snapshot_parts) before the small transaction that
// seals them (server/storage/snapshot-parts.ts); on PostgreSQL in one row. On both: a multi-MB
// snapshot round-trips byte for byte and verifies; snapshots racing from several processes all chain.
// On SQLite: a changed or removed piece fails verify and getSnapshot, sealed pieces are immutable, a
// lost COB race leaves no pieces, a crashed writer's pieces are removed at the next open, and a
// backup carries them.

import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { IntegrityError } from '../../server/storage/chain.ts'
import { DB_FILE, openSqliteStorage } from '../../server/storage/sqlite.ts'
import { verifyFile } from '../../server/storage/verify.ts'
import type { SnapshotRecord } from '../../server/storage/types.ts'
import { SNAPSHOT_PART_BYTES } from '../../shared/limits.ts'
import { backend, KINDS, ONE_PARAGRAPH_TOTALS, openWithDoc, type Backend } from './backends.ts'
import { race } from './race.ts'
import { noiseBytes } from '../helpers/noise-bytes.ts'

let current: Backend | null = null
afterEach(async () => {
  await current?.cleanup()
  current = null
})

const withDoc = (b: Backend) => openWithDoc(b).s

function bigSnapshot (upto: number, mb: number, extra: Partial<SnapshotRecord> = {}): Omit<SnapshotRecord, 'id'> {
  const n = Math.round(mb * 1024 * 1024)
  return { doc: 'd', label: 'Large', createdAt: new Date().toISOString(), takenBy: 'Secretariat', role: 'secretariat', cobDate: null, sha256: 'a'.repeat(64), upto, totals: ONE_PARAGRAPH_TOTALS, snapshot: noiseBytes(n >> 3, 1), state: noiseBytes(n - (n >> 3), 2), ...extra }
}

const sqlite = (b: Backend) => new Database(join(b.spec.dataDir!, DB_FILE))
const count = (b: Backend, sql: string) => {
  const db = sqlite(b)
  try {
    return (db.prepare(sql).get() as { n: number }).n
  } finally {
    db.close()
  }
}

describe.each(KINDS)('large snapshots on %s', (kind) => {
  it('a multi-MB snapshot round-trips byte for byte, chains with the next, and verifies', async () => {
    current = await backend(kind)
    const s = withDoc(current)
    const big = bigSnapshot(s.lastUpdateId('d'), 3.5)
    const id = s.insertSnapshot(big)!
    const small = s.insertSnapshot({ ...big, label: 'Small', snapshot: new Uint8Array([1, 2]), state: new Uint8Array([3]) })!
    expect(small).toBeGreaterThan(id)
    const again = current.open().getSnapshot('d', id)!
    expect(Buffer.compare(Buffer.from(again.snapshot), Buffer.from(big.snapshot))).toBe(0)
    expect(Buffer.compare(Buffer.from(again.state), Buffer.from(big.state))).toBe(0)
    expect(again).toMatchObject({ label: 'Large', upto: big.upto, totals: ONE_PARAGRAPH_TOTALS })
    expect([...s.getSnapshot('d', small)!.state]).toEqual([3])
    expect(s.verify()).toMatchObject({ ok: true, checked: { snapshots: 2 } })
    if (kind === 'sqlite') {
      // 3.5 MB in pieces of at most SNAPSHOT_PART_BYTES; the small one inline.
      expect(count(current, 'SELECT COUNT(*) AS n FROM snapshot_parts')).toBe(Math.ceil(big.snapshot.byteLength / SNAPSHOT_PART_BYTES) + Math.ceil(big.state.byteLength / SNAPSHOT_PART_BYTES))
      expect(count(current, 'SELECT MAX(LENGTH(data)) AS n FROM snapshot_parts')).toBe(SNAPSHOT_PART_BYTES)
      expect(count(current, 'SELECT COUNT(*) AS n FROM snapshots WHERE parts IS NOT NULL')).toBe(1)
      expect(count(current, 'SELECT COUNT(*) AS n FROM snapshot_writes')).toBe(0)
    }
  })

  it('large snapshots taken by several processes at once all land, chained; a large COB goes to one of them', { timeout: 90_000 }, async () => {
    current = await backend(kind)
    withDoc(current)
    const out = await race(current.spec, [['big', 'd', '3'], ['big', 'd', '3'], ['big', 'd', '3'], ['big', 'd', '2:2026-12-01'], ['big', 'd', '2:2026-12-01']])
    expect(out.slice(0, 3).every((x) => typeof x === 'number')).toBe(true)
    expect(out.slice(3).filter((x) => x !== null)).toHaveLength(1)
    const s = current.open()
    expect(s.listSnapshots('d')).toHaveLength(4)
    for (const m of s.listSnapshots('d')) expect(s.getSnapshot('d', m.id)!.state.byteLength).toBeGreaterThan(SNAPSHOT_PART_BYTES)
    expect(s.verify()).toMatchObject({ ok: true, checked: { snapshots: 4 } })
    if (kind === 'sqlite') {
      // The loser's pieces went with its race: only the four rows' pieces remain.
      expect(count(current, 'SELECT COUNT(DISTINCT batch) AS n FROM snapshot_parts')).toBe(4)
      expect(count(current, 'SELECT COUNT(*) AS n FROM snapshot_parts WHERE batch NOT IN (SELECT parts FROM snapshots WHERE parts IS NOT NULL)')).toBe(0)
      expect(count(current, 'SELECT COUNT(*) AS n FROM snapshot_writes')).toBe(0)
    }
  })
})

describe('pieced snapshots on SQLite', () => {
  it('sealed pieces refuse changes; a changed, removed, added or moved piece fails the seal in verify and getSnapshot', { timeout: 60_000 }, async () => {
    current = await backend('sqlite')
    const s = withDoc(current)
    const id = s.insertSnapshot(bigSnapshot(s.lastUpdateId('d'), 2.5))!
    expect(await current.raw('UPDATE snapshot_parts SET data = zeroblob(10) WHERE seq = 0')).toMatch(/snapshots are immutable/)
    expect(await current.raw('DELETE FROM snapshot_parts WHERE seq = 1')).toMatch(/snapshots are immutable/)
    expect(await current.raw(`INSERT INTO snapshot_parts (batch, kind, seq, data) SELECT parts, 1, 99, x'00' FROM snapshots WHERE id = ${id}`)).toMatch(/snapshots are immutable/)
    expect(s.verify().ok).toBe(true)
    await current.cleanup()
    for (const sql of [
      // One byte of the state's second piece.
      "UPDATE snapshot_parts SET data = CAST(x'ff' || substr(data, 2) AS BLOB) WHERE kind = 1 AND seq = 1",
      'DELETE FROM snapshot_parts WHERE kind = 1 AND seq = 1',
      "INSERT INTO snapshot_parts (batch, kind, seq, data) SELECT batch, 0, 50, x'00' FROM snapshot_parts LIMIT 1",
      // Two pieces of the same size swapped.
      'UPDATE snapshot_parts SET seq = 1000 WHERE kind = 1 AND seq = 0; UPDATE snapshot_parts SET seq = 0 WHERE kind = 1 AND seq = 1; UPDATE snapshot_parts SET seq = 1 WHERE kind = 1 AND seq = 1000'
    ]) {
      current = await backend('sqlite')
      const s = withDoc(current)
      const id = s.insertSnapshot(bigSnapshot(s.lastUpdateId('d'), 2.5))!
      expect(await current.raw(`DROP TRIGGER snapshot_parts_no_update; DROP TRIGGER snapshot_parts_no_delete; DROP TRIGGER snapshot_parts_no_insert; ${sql}`), sql).toBeNull()
      expect(() => s.getSnapshot('d', id), sql).toThrow(IntegrityError)
      const report = verifyFile(join(current.spec.dataDir!, DB_FILE))
      expect(report.ok, sql).toBe(false)
      expect(report.problems.map((p) => p.message), sql).toEqual(expect.arrayContaining([
        'trigger snapshot_parts_no_update is missing (dropped: snapshot_parts can be changed or deleted without the database refusing)',
        expect.stringMatching(/^snapshot \d+ \("Large"\) does not match its hash/)
      ]))
      await current.cleanup()
      current = null
    }
  })

  it('removes the pieces of a writer killed mid-write at the next open, not those of a writer still writing', { timeout: 60_000 }, async () => {
    current = await backend('sqlite')
    withDoc(current).close()
    const RUN_TS = fileURLToPath(new URL('../../bin/run-ts.js', import.meta.url))
    const RACER = fileURLToPath(new URL('./racer.ts', import.meta.url))
    // 60 MB: 60 pieces, a few ms each; killed once some are stored.
    const child = spawn(process.execPath, [RUN_TS, RACER, JSON.stringify(current.spec), 'big', 'd', '60'], { stdio: ['pipe', 'ignore', 'ignore'] })
    child.stdin.end()
    const exited = new Promise((resolve) => child.on('exit', resolve))
    const started = Date.now()
    while (count(current, 'SELECT COUNT(*) AS n FROM snapshot_parts') < 3) {
      if (Date.now() - started > 30_000) throw new Error('the writer stored no pieces')
      await new Promise((r) => setTimeout(r, 5))
    }
    child.kill('SIGKILL')
    await exited
    expect(count(current, 'SELECT COUNT(*) AS n FROM snapshots')).toBe(0)
    const left = count(current, 'SELECT COUNT(*) AS n FROM snapshot_parts')
    expect(left).toBeGreaterThanOrEqual(3)
    expect(left).toBeLessThan(60)
    // A write in progress in a live process (this one), begun now: kept. One begun over an hour ago: a leftover.
    const db = sqlite(current)
    const now = new Date().toISOString()
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000).toISOString()
    const live = Number(db.prepare('INSERT INTO snapshot_writes (doc, pid, started_at) VALUES (?, ?, ?)').run('d', process.pid, now).lastInsertRowid)
    const stale = Number(db.prepare('INSERT INTO snapshot_writes (doc, pid, started_at) VALUES (?, ?, ?)').run('d', process.pid, old).lastInsertRowid)
    for (const batch of [live, stale]) db.prepare('INSERT INTO snapshot_parts (batch, kind, seq, data) VALUES (?, 1, 0, ?)').run(batch, Buffer.alloc(100))
    db.close()
    const s = current.open()
    expect(count(current, 'SELECT COUNT(*) AS n FROM snapshot_parts')).toBe(1)
    expect(count(current, `SELECT COUNT(*) AS n FROM snapshot_parts WHERE batch = ${live}`)).toBe(1)
    expect(count(current, 'SELECT COUNT(*) AS n FROM snapshot_writes')).toBe(1)
    expect(s.verify().ok).toBe(true)
    // And the next snapshot is unaffected.
    const id = s.insertSnapshot(bigSnapshot(s.lastUpdateId('d'), 1.5))!
    expect(s.getSnapshot('d', id)!.state.byteLength).toBeGreaterThan(SNAPSHOT_PART_BYTES)
  })

  it('a backup carries the pieces: the copy verifies and serves the snapshot byte for byte', async () => {
    current = await backend('sqlite')
    const s = withDoc(current)
    const big = bigSnapshot(s.lastUpdateId('d'), 2.5)
    const id = s.insertSnapshot(big)!
    const copy = mkdtempSync(join(tmpdir(), 'podium-parts-backup-'))
    try {
      await s.backup(join(copy, DB_FILE))
      expect(verifyFile(join(copy, DB_FILE))).toMatchObject({ ok: true, checked: { snapshots: 1 } })
      const restored = openSqliteStorage(copy)
      try {
        expect(Buffer.compare(Buffer.from(restored.getSnapshot('d', id)!.state), Buffer.from(big.state))).toBe(0)
      } finally {
        restored.close()
      }
    } finally {
      rmSync(copy, { recursive: true, force: true })
    }
  })

  it('an older database (snapshots without parts, no snapshot_parts) gains them on open, its snapshots still verify', async () => {
    current = await backend('sqlite')
    const s = withDoc(current)
    const small = s.insertSnapshot({ ...bigSnapshot(s.lastUpdateId('d'), 0.001), label: 'Old' })!
    s.close()
    expect(await current.raw('DROP TRIGGER snapshot_parts_no_insert; DROP TRIGGER snapshot_parts_no_update; DROP TRIGGER snapshot_parts_no_delete; DROP TABLE snapshot_parts; DROP TABLE snapshot_writes; DROP INDEX snapshots_parts; ALTER TABLE snapshots DROP COLUMN parts')).toBeNull()
    const file = join(current.spec.dataDir!, DB_FILE)
    // As an older Podium left it: verifies as it is (no pieces' triggers to miss).
    expect(verifyFile(file).ok).toBe(true)
    const s2 = current.open()
    expect(s2.openWarnings).toEqual([])
    const big = s2.insertSnapshot(bigSnapshot(s2.lastUpdateId('d'), 2))!
    expect(s2.getSnapshot('d', small)!.label).toBe('Old')
    expect(s2.getSnapshot('d', big)!.state.byteLength).toBeGreaterThan(SNAPSHOT_PART_BYTES)
    expect(verifyFile(file)).toMatchObject({ ok: true, checked: { snapshots: 2 } })
  })
})
