// Helpers for the tamper-evidence tests: a data directory with a chained history (edits by two
// delegations, a compaction, a snapshot, refusals), copies of it, and direct edits of its SQLite file.

import Database from 'better-sqlite3'
import { copyFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import * as Y from 'yjs'
import { DEFAULT_MEETING } from '../../server/config.ts'
import { seedDemo } from '../../server/demo.ts'
import { loadStoredYDoc } from '../../server/documents.ts'
import { CLI_ACTOR, takeSnapshot } from '../../server/snapshots/service.ts'
import { DB_FILE, openSqliteStorage } from '../../server/storage/sqlite.ts'
import type { Storage } from '../../server/storage/types.ts'
import { addParagraph, DOC, tempDir } from './helpers.ts'

/** Appends one edit (a new paragraph) to the stored document as delegation `code` would send it. */
export function appendEdit(storage: Storage, code: string, text: string, doc = DOC): number {
  const ydoc = loadStoredYDoc(storage, doc)!
  const sv = Y.encodeStateVector(ydoc)
  addParagraph(ydoc, text)
  const id = storage.append(doc, Y.encodeStateAsUpdate(ydoc, sv), { tokenId: `tok-${code}`, role: 'delegation', delegation: code, identity: `delegation:${code}`, clientIds: [ydoc.clientID] })
  ydoc.destroy()
  return id
}

/** What buildHistory made: update ids by stage, the snapshot's id. */
export interface History {
  dir: string
  /** Ids merged into the compacted state (the state covers up to the last). */
  compacted: number[]
  /** Ids still in the log after the compacted state, oldest first. */
  pending: number[]
  snapshotId: number
}

/**
 * A data directory holding the demo document with: 3 edits (IND, CHN, IND) compacted into the state,
 * 3 more in the log, a snapshot after the second of them, and 2 refusals. Closed when returned.
 */
export function buildHistory(dir = tempDir()): History {
  const storage = openSqliteStorage(dir, { synchronous: 'normal' })
  try {
    seedDemo(storage, DEFAULT_MEETING)
    const compacted = [storage.lastUpdateId(DOC), appendEdit(storage, 'IND', 'India one'), appendEdit(storage, 'CHN', 'China one'), appendEdit(storage, 'IND', 'India two')]
    storage.compact(DOC)
    const pending = [appendEdit(storage, 'CHN', 'China two'), appendEdit(storage, 'IND', 'India three')]
    const snap = takeSnapshot({ storage, live: { get: () => undefined } }, DOC, { label: 'Podium version as of COB, 4 October 2022', by: CLI_ACTOR })
    if (!snap.ok) throw new Error('no snapshot')
    pending.push(appendEdit(storage, 'CHN', 'China three'))
    const at = new Date().toISOString()
    storage.recordRefusal({ doc: DOC, tokenId: 'tok-CHN', role: 'delegation', delegation: 'CHN', at, rule: 'position-owner', reason: "Only India can withdraw India's position", bytes: 40 })
    storage.recordRefusal({ doc: DOC, tokenId: 'tok-IND', role: 'delegation', delegation: 'IND', at, rule: 'agreed-locked', reason: 'PP2 is agreed ad ref', bytes: 12 })
    return { dir, compacted, pending, snapshotId: snap.snapshot.id }
  } finally {
    storage.close()
  }
}

/** A copy of data directory `from` in a new temporary directory. */
export function copyData(from: string): string {
  const to = tempDir()
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(join(from, DB_FILE + suffix))) copyFileSync(join(from, DB_FILE + suffix), join(to, DB_FILE + suffix))
  }
  return to
}

/** Runs `edit` on the data directory's SQLite file directly, as someone with the file would. */
export function tamper(dir: string, edit: (db: Database.Database) => void): void {
  const db = new Database(join(dir, DB_FILE))
  try {
    edit(db)
  } finally {
    db.close()
  }
}
