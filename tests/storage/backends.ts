// The storage contract tests run against both implementations: a SQLite file in a temp directory
// and PostgreSQL in a schema of its own (tests/helpers/postgres.ts). Each backend can also run raw
// SQL beside Podium (what a person with database access could do) and open a second storage on
// the same meeting (another process).

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { openStorage, type OpenedStorage, type StorageSpec } from '../../server/storage/open.ts'
import { DB_FILE } from '../../server/storage/sqlite.ts'
import * as Y from 'yjs'
import { serverAttribution } from '../../server/documents.ts'
import { newYDoc } from '../../shared/ydoc.ts'
import { holdInSchema, withPostgresSchema, TEST_POSTGRES_URL } from '../helpers/postgres.ts'
import { addParagraph } from '../server/helpers.ts'

/** The kinds of storage the contract runs on. */
export const KINDS = ['sqlite', 'postgres'] as const

/** One meeting on one kind of storage. */
export interface Backend {
  kind: (typeof KINDS)[number]
  spec: StorageSpec
  /** Opens a storage on the meeting (every call a new one, as another process would). */
  open(): OpenedStorage
  /** Runs raw SQL on the database; resolves to the error message, or null when it succeeded. */
  raw(sql: string): Promise<string | null>
  /** PostgreSQL only: runs `sql` in a transaction left open (its locks held) until `release`. */
  hold(sql: string): Promise<{ release(): Promise<void> }>
  /** Closes what it opened and removes the meeting (directory or schema). */
  cleanup(): Promise<void>
}

/** A fresh, empty meeting on `kind`. */
export async function backend (kind: (typeof KINDS)[number]): Promise<Backend> {
  const opened: OpenedStorage[] = []
  const track = (s: OpenedStorage) => { opened.push(s); return s }
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'podium-contract-'))
    const spec: StorageSpec = { dataDir: dir, synchronous: 'normal' }
    return {
      kind,
      spec,
      open: () => track(openStorage(spec)),
      raw: async (sql) => {
        const db = new Database(join(dir, DB_FILE))
        try {
          db.exec(sql)
          return null
        } catch (err) {
          return (err as Error).message
        } finally {
          db.close()
        }
      },
      hold: async () => { throw new RangeError('hold: a SQLite meeting has no other sessions to hold locks in') },
      cleanup: async () => {
        for (const s of opened) s.close()
        rmSync(dir, { recursive: true, force: true })
      }
    }
  }
  const schema = await withPostgresSchema()
  const spec: StorageSpec = { postgres: schema.url }
  return {
    kind,
    spec,
    open: () => track(openStorage(spec)),
    raw: async (sql) => {
      const c = new pg.Client({ connectionString: TEST_POSTGRES_URL, options: `-c search_path=${schema.schema}` })
      await c.connect()
      try {
        await c.query(sql)
        return null
      } catch (err) {
        return (err as Error).message
      } finally {
        await c.end()
      }
    },
    hold: (sql) => holdInSchema(schema.schema, sql),
    cleanup: async () => {
      for (const s of opened) s.close()
      await schema.cleanup()
    }
  }
}

/** The totals of the one-paragraph text openWithDoc stores, for snapshot records. */
export const ONE_PARAGRAPH_TOTALS = { paragraphs: 1, open: 1, agreed: 0, brackets: 0, positions: 0, notes: 0 }

/**
 * Opens a storage on `b` holding document `d` (one paragraph "hello", by the server): the storage,
 * the source Y.Doc, and `more()`, which adds a paragraph to the source and returns its update (not stored).
 */
export function openWithDoc (b: Backend): { s: OpenedStorage; source: Y.Doc; more: () => Uint8Array } {
  const s = b.open()
  const source = newYDoc()
  addParagraph(source, 'hello')
  s.createDoc('d', 'D', Y.encodeStateAsUpdate(source), serverAttribution([source.clientID]))
  const more = () => {
    const before = Y.encodeStateVector(source)
    addParagraph(source, 'more')
    return Y.encodeStateAsUpdate(source, before)
  }
  return { s, source, more }
}
