// Checks a Podium database's tamper evidence: each document's update chain from its compacted state
// to its head, snapshots, the audit and refusals chains, and the append-only triggers. Reads only.

import Database from 'better-sqlite3'
import { auditHash, GENESIS, refusalHash, snapshotSeal, stateHash, updateLink } from './chain.ts'
import { SQLITE_TRIGGERS, TRIGGERS } from './migrate.ts'
import { partsReader } from './snapshot-parts.ts'

/** Options of verifyDatabase. */
export interface VerifyOptions {
  /** Check only this document's log and snapshots (the audit, refusals and triggers are always checked). */
  doc?: string
  /**
   * The SHA-256 of a snapshot's podium text rebuilt from its stored state, to compare with the one it
   * was taken with. Without it, snapshots are checked against their seals only (what a server start does).
   */
  snapshotTextSha256?: (state: Uint8Array) => string
}

/** One broken link, in words. `where` is a document name, `audit`, `refusals` or `database`. */
export interface Problem {
  where: string
  message: string
}

/** The outcome of verifyDatabase. */
export interface VerifyReport {
  /** True when nothing is broken (warnings allowed). */
  ok: boolean
  /** The first broken link of each chain (per document: the log, then the snapshots). */
  problems: Problem[]
  /** Things found and repaired earlier (a trigger recreated on open), or notes (old rows chained), in words. */
  warnings: string[]
  /** Each checked document's chain head: the last update id and its link. */
  heads: Array<{ doc: string; id: number; hash: string }>
  /** How many rows were checked, by table. */
  checked: { updates: number; states: number; snapshots: number; audit: number; refusals: number }
}

/** An audit row as stored. */
export type AuditRow = { id: number; update_id: number; doc: string; token_id: string | null; role: string; delegation: string | null; at: string; client_ids: string; bytes: number; identity: string | null; link: string | null; prev: string | null; hash: string | null }
/** A refusal row as stored. */
export type RefusalRow = { id: number; doc: string; token_id: string | null; role: string; delegation: string | null; at: string; rule: string; reason: string; bytes: number; prev: string | null; hash: string | null }
/** A snapshot row as stored. */
export type SnapshotRow = { id: number; doc: string; label: string; created_at: string; taken_by: string; role: string; cob_date: string | null; sha256: string; upto: number; totals: string; snapshot: Uint8Array; state: Uint8Array; head: string | null; prev: string | null; seal: string | null }

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many)

/** The rows verifyRows reads, from SQLite (sqliteSource) or PostgreSQL (the postgres storage). */
export interface VerifySource {
  /** False when the database predates the hash chain. */
  hasChain(): boolean
  /** The names of the triggers present. */
  triggerNames(): Set<string>
  /** The trigger names a sound database has (TRIGGERS' by default). */
  requiredTriggers?: readonly string[]
  /** integrity_events, oldest first. */
  events(): Array<{ at: string; kind: string; detail: string }>
  /** Every document's name and recorded head, by name. */
  docs(): Array<{ name: string; head_id: number; head_hash: string }>
  /** A document's compacted state, if any. */
  state(doc: string): { data: Uint8Array; upto: number; head: string | null; hash: string | null } | undefined
  /** The `upto` of each of a document's snapshots. */
  snapshotUptos(doc: string): number[]
  /** Every audit row, by id. */
  auditRows(): Iterable<AuditRow>
  /** Every refusal row, by id. */
  refusalRows(): Iterable<RefusalRow>
  /** A document's log rows, by id. */
  updates(doc: string): Iterable<{ id: number; data: Uint8Array; prev: string | null; hash: string | null }>
  /** A document's snapshot rows, by id. */
  snapshots(doc: string): Iterable<SnapshotRow>
  /** The id the table's counter says its last row was written with (0 when none). */
  lastWrittenId(table: 'audit' | 'refusals'): number
}

/** The rows of a SQLite database `db`, for verifyRows. */
export function sqliteSource (db: Database.Database): VerifySource {
  // Prepared when first used: a database older than the hash chain has no `prev`/`hash` columns to select.
  type UpdateRow = { id: number; data: Buffer; prev: string | null; hash: string | null }
  let updates: Database.Statement<[string], UpdateRow> | null = null
  let snapshots: Database.Statement<[string, number], SnapshotRow & { parts?: number | null }> | null = null
  // A database written before pieced snapshots has no snapshot_parts, and no triggers for it to miss.
  const pieced = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'snapshot_parts'").get()!.n > 0
  const read = pieced ? partsReader(db) : null
  return {
    requiredTriggers: (pieced ? SQLITE_TRIGGERS : TRIGGERS).map((t) => t.name),
    hasChain: () => db.prepare<[], { name: string }>('PRAGMA table_info(updates)').all().some((c) => c.name === 'hash'),
    triggerNames: () => new Set(db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'trigger'").all().map((r) => r.name)),
    events: () => db.prepare<[], { at: string; kind: string; detail: string }>('SELECT at, kind, detail FROM integrity_events ORDER BY id').all(),
    docs: () => db.prepare<[], { name: string; head_id: number; head_hash: string }>('SELECT name, head_id, head_hash FROM docs ORDER BY name').all(),
    state: (doc) => db.prepare<[string], { data: Buffer; upto: number; head: string | null; hash: string | null }>('SELECT data, upto, head, hash FROM states WHERE doc = ?').get(doc),
    snapshotUptos: (doc) => db.prepare<[string], { upto: number }>('SELECT upto FROM snapshots WHERE doc = ?').all(doc).map((r) => r.upto),
    auditRows: () => db.prepare<[], AuditRow>('SELECT * FROM audit ORDER BY id').iterate(),
    refusalRows: () => db.prepare<[], RefusalRow>('SELECT * FROM refusals ORDER BY id').iterate(),
    updates: (doc) => (updates ??= db.prepare<[string], UpdateRow>('SELECT id, data, prev, hash FROM updates WHERE doc = ? ORDER BY id')).iterate(doc),
    snapshots: function * (doc) {
      // A pieced snapshot's encodings are reassembled: its seal covers them as one.
      // Row by row (one row's bytes in memory at a time); the connection runs nothing else while iterating.
      snapshots ??= db.prepare<[string, number], SnapshotRow & { parts?: number | null }>('SELECT * FROM snapshots WHERE doc = ? AND id = ?')
      for (const { id } of db.prepare<[string], { id: number }>('SELECT id FROM snapshots WHERE doc = ? ORDER BY id').all(doc)) {
        const got = snapshots.get(doc, id)
        if (!got) continue
        const { parts: batch, ...row } = got
        yield read && batch != null ? { ...row, snapshot: read(batch, 0, row.snapshot), state: read(batch, 1, row.state) } : row
      }
    },
    lastWrittenId: (table) => db.prepare<[string], { seq: number }>('SELECT seq FROM sqlite_sequence WHERE name = ?').get(table)?.seq ?? 0
  }
}

/** Checks the database `db` (a Podium database, opened by anyone) and reports what is broken. */
export function verifyDatabase (db: Database.Database, options: VerifyOptions = {}): VerifyReport {
  return verifyRows(sqliteSource(db), options)
}

/** Checks the rows of a Podium database and reports what is broken. */
export function verifyRows (src: VerifySource, options: VerifyOptions = {}): VerifyReport {
  const report: VerifyReport = { ok: true, problems: [], warnings: [], heads: [], checked: { updates: 0, states: 0, snapshots: 0, audit: 0, refusals: 0 } }
  const problem = (where: string, message: string) => report.problems.push({ where, message })
  const finish = () => ({ ...report, ok: report.problems.length === 0 })

  if (!src.hasChain()) {
    problem('database', 'it has no hash chain yet (written by an older Podium): start the server once with this version to add it')
    return finish()
  }

  const triggers = src.triggerNames()
  const required = src.requiredTriggers ?? TRIGGERS.map((t) => t.name)
  for (const name of required) {
    const table = name.replace(/_no_[a-z]+$/, '')
    if (!triggers.has(name)) problem('database', `trigger ${name} is missing (dropped: ${table} can be changed or deleted without the database refusing)`)
  }
  for (const e of src.events()) {
    report.warnings.push(`${e.at}: ${e.detail}`)
  }

  const docs = src.docs()
    .filter((d) => options.doc === undefined || d.name === options.doc)
  const wanted = new Set(docs.map((d) => d.name))
  const states = new Map<string, { data: Uint8Array; upto: number; head: string | null; hash: string | null }>()
  for (const d of docs) {
    const s = src.state(d.name)
    if (s) states.set(d.name, s)
  }
  // Update ids whose link the audit must tell (a state's and each snapshot's head).
  const linkWanted = new Set<number>()
  for (const s of states.values()) linkWanted.add(s.upto)
  for (const d of docs) for (const upto of src.snapshotUptos(d.name)) linkWanted.add(upto)
  const links = new Map<number, string | null>()
  // Audit rows of updates still in the log (after the compacted state), by update id; and the last audited update per document.
  const pending = new Map<number, AuditRow>()
  const lastAudited = new Map<string, number>()

  // The audit: one chain over the whole table in id order.
  {
    let expected = GENESIS
    let prevId = 0
    let broken = false
    for (const r of src.auditRows()) {
      report.checked.audit++
      if (!broken) {
        const hash = auditHash(r.prev ?? GENESIS, { updateId: r.update_id, doc: r.doc, tokenId: r.token_id, role: r.role, delegation: r.delegation, identity: r.identity, at: r.at, clientIds: r.client_ids, bytes: r.bytes, link: r.link })
        if (r.prev !== expected) {
          broken = true
          problem('audit', prevId === 0 ? `audit row ${r.id} is not the start of the audit (the rows before it were deleted)` : `audit row ${r.id} does not follow row ${prevId} (${r.id > prevId + 1 ? `${plural(r.id - prevId - 1, 'row', 'rows')} ${prevId + 1}${r.id > prevId + 2 ? `–${r.id - 1}` : ''} deleted` : 'changed and re-hashed'})`)
        } else if (hash !== r.hash) {
          broken = true
          problem('audit', `audit row ${r.id} (${r.doc}, update ${r.update_id}) does not match its hash (changed after it was written)`)
        }
        expected = r.hash ?? ''
        prevId = r.id
      }
      if (linkWanted.has(r.update_id) && r.doc && wanted.has(r.doc)) links.set(r.update_id, r.link)
      if (wanted.has(r.doc)) {
        if (r.update_id > (states.get(r.doc)?.upto ?? 0)) pending.set(r.update_id, r)
        lastAudited.set(r.doc, Math.max(lastAudited.get(r.doc) ?? 0, r.update_id))
      }
    }
    if (!broken) checkTail(src, 'audit', prevId, problem)
  }

  // Refusals: the same, over their own table.
  {
    let expected = GENESIS
    let prevId = 0
    let broken = false
    for (const r of src.refusalRows()) {
      report.checked.refusals++
      if (broken) continue
      if (r.prev !== expected) {
        broken = true
        problem('refusals', prevId === 0 ? `refusal ${r.id} is not the start of the refusals (the rows before it were deleted)` : `refusal ${r.id} does not follow refusal ${prevId} (${r.id > prevId + 1 ? 'the refusals between them were deleted' : 'changed and re-hashed'})`)
      } else if (refusalHash(r.prev ?? GENESIS, { doc: r.doc, tokenId: r.token_id, role: r.role, delegation: r.delegation, at: r.at, rule: r.rule, reason: r.reason, bytes: r.bytes }) !== r.hash) {
        broken = true
        problem('refusals', `refusal ${r.id} (${r.doc}) does not match its hash (changed after it was written)`)
      }
      expected = r.hash ?? ''
      prevId = r.id
    }
    if (!broken) checkTail(src, 'refusals', prevId, problem)
  }

  for (const d of docs) {
    const name = d.name
    const state = states.get(name)
    let expected = GENESIS
    let endId = 0
    let broken = false
    const fail = (message: string) => {
      broken = true
      problem(name, message)
    }
    if (state) {
      report.checked.states++
      const head = state.head ?? GENESIS
      const link = links.get(state.upto)
      if (stateHash(name, state.upto, head, state.data) !== state.hash) fail(`the compacted state (updates up to ${state.upto}) does not match its hash (changed after it was written)`)
      else if (link && link !== head) fail(`the compacted state (updates up to ${state.upto}) does not record update ${state.upto}'s link as its head (changed and re-hashed)`)
      expected = head
      endId = state.upto
    }
    for (const r of broken ? [] : src.updates(name)) {
      report.checked.updates++
      const a = pending.get(r.id)
      const after = endId === (state?.upto ?? -1) ? `the compacted state (updates up to ${endId})` : `update ${endId}`
      if (!a) {
        fail(`update ${r.id} has no audit row (its sender and time were deleted)`)
      } else if (r.prev !== expected) {
        const gone = [...pending.keys()].filter((id) => id > endId && id < r.id && pending.get(id)!.doc === name)
        fail(gone.length > 0
          ? `${plural(gone.length, 'update', 'updates')} ${gone.join(', ')} ${plural(gone.length, 'was', 'were')} deleted (the audit records ${plural(gone.length, 'it', 'them')}; update ${r.id} does not follow ${after})`
          : `update ${r.id} does not follow ${after} (a link was changed and re-hashed)`)
      } else if (updateLink(expected, name, r.data, { tokenId: a.token_id, role: a.role, delegation: a.delegation, identity: a.identity, at: a.at, clientIds: a.client_ids }) !== r.hash) {
        fail(`update ${r.id} does not match its hash (changed after it was written)`)
      } else if (a.link !== null && a.link !== r.hash) {
        fail(`update ${r.id} does not match the link its audit row recorded (changed and re-hashed)`)
      }
      if (broken) break
      expected = r.hash ?? ''
      endId = r.id
    }
    if (!broken) {
      const audited = lastAudited.get(name) ?? 0
      if (audited > endId) {
        const gone = [...pending.keys()].filter((id) => id > endId && pending.get(id)!.doc === name)
        fail(`${plural(gone.length, 'update', 'updates')} ${gone.join(', ')} ${plural(gone.length, 'was', 'were')} deleted (the audit records ${plural(gone.length, 'it', 'them')}; the log ends at update ${endId})`)
      } else if (d.head_id !== endId || d.head_hash !== expected) {
        fail(`the log ends at update ${endId}, but the document's recorded head is update ${d.head_id} (updates were deleted or changed)`)
      }
    }
    report.heads.push({ doc: name, id: endId, hash: expected })

    let seal = GENESIS
    let prevSnap = 0
    for (const s of src.snapshots(name)) {
      report.checked.snapshots++
      const what = `snapshot ${s.id} ("${s.label}")`
      const own = snapshotSeal(s.prev ?? GENESIS, { doc: s.doc, label: s.label, createdAt: s.created_at, takenBy: s.taken_by, role: s.role, cobDate: s.cob_date, sha256: s.sha256, upto: s.upto, totals: s.totals, head: s.head ?? GENESIS, snapshot: s.snapshot, state: s.state })
      const link = links.get(s.upto)
      let message: string | null = null
      if (own !== s.seal) message = `${what} does not match its hash (changed after it was written)`
      else if (s.prev !== seal) message = prevSnap === 0 ? `${what} is not the first snapshot (the ones before it were deleted)` : `${what} does not follow snapshot ${prevSnap} (a snapshot between them was deleted, or a seal was changed)`
      else if (link && link !== s.head) message = `${what} does not record update ${s.upto}'s link as the chain head it covers (changed and re-hashed)`
      else if (options.snapshotTextSha256 && options.snapshotTextSha256(s.state) !== s.sha256) message = `${what}: its text does not match its SHA-256 (changed after it was written)`
      if (message) {
        problem(name, message)
        break
      }
      seal = s.seal ?? ''
      prevSnap = s.id
    }
  }
  if (options.doc !== undefined && docs.length === 0) problem(options.doc, 'no such document')
  return finish()
}

// An append-only table's rows end where its AUTOINCREMENT counter says the last one was written.
function checkTail(src: VerifySource, table: 'audit' | 'refusals', lastId: number, problem: (where: string, message: string) => void): void {
  const seq = src.lastWrittenId(table)
  if (seq > lastId) {
    const rows = seq === lastId + 1 ? `row ${seq} was` : `rows ${lastId + 1}–${seq} were`
    problem(table, `${table === 'audit' ? 'audit' : 'refusal'} ${rows} deleted (the table had reached row ${seq}; it now ends at ${lastId})`)
  }
}

/**
 * Opens the database file at `path` without creating or repairing anything (no schema, no trigger
 * recreated, nothing written), checks it and closes it.
 */
export function verifyFile(path: string, options: VerifyOptions = {}): VerifyReport {
  const db = new Database(path, { fileMustExist: true })
  try {
    db.pragma('busy_timeout = 5000')
    return verifyDatabase(db, options)
  } finally {
    db.close()
  }
}
