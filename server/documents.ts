// Documents outside the live sync path: creating one from podium text, reading one's text and
// counts. The live Y.Doc is used when the document is loaded, the stored log otherwise.

import * as Y from 'yjs'
import type { Node as PMNode } from 'prosemirror-model'
import { DOC_NAME_PATTERN } from '../shared/protocol.ts'
import { newYDoc, readDocFromY, writeDocToY } from '../shared/ydoc.ts'
import { schema } from '../shared/schema.ts'
import type { RosterEntry } from '../shared/roster.ts'
import { parsePodium, serializePodium } from '../shared/format/index.ts'
import { analyse } from '../shared/analysis/index.ts'
import type { Attribution, Storage } from './storage/types.ts'
import { SERVER_ACTOR, STORAGE_ORIGIN } from './sync/origins.ts'

/** The attribution of updates the server writes itself (imports, new documents). */
export function serverAttribution(clientIds: number[]): Attribution {
  return { ...SERVER_ACTOR, clientIds }
}

/** Why a document could not be created. */
export type CreateResult =
  | { ok: true; warnings: { line: number; column: number; message: string }[] }
  | { ok: false; reason: 'bad-name' | 'exists' }

/**
 * Creates document `name` with `title` from podium `text` (an empty paragraph when text is empty), or
 * from a document already read (a Word import).
 * Expected failures (bad name, name taken) are returned, not thrown.
 */
export function createDocument(storage: Storage, name: string, title: string, text: string | PMNode, roster: readonly RosterEntry[]): CreateResult {
  if (!DOC_NAME_PATTERN.test(name)) return { ok: false, reason: 'bad-name' }
  if (storage.getDoc(name)) return { ok: false, reason: 'exists' }
  const ydoc = newYDoc()
  let warnings: { line: number; column: number; message: string }[] = []
  if (typeof text !== 'string') {
    // A document already read (a Word import built from the Word model): written as it is.
    text.check()
    writeDocToY(text, ydoc, STORAGE_ORIGIN)
  } else if (text.trim()) {
    const parsed = parsePodium(text, { roster })
    warnings = parsed.warnings
    writeDocToY(parsed.doc, ydoc, STORAGE_ORIGIN)
  } else {
    writeDocToY(schema.node('doc', null, [schema.node('paragraph')]), ydoc, STORAGE_ORIGIN)
  }
  const ok = storage.createDoc(name, title, Y.encodeStateAsUpdate(ydoc), serverAttribution([ydoc.clientID]))
  ydoc.destroy()
  return ok ? { ok: true, warnings } : { ok: false, reason: 'exists' }
}

/** Builds a throwaway Y.Doc from the stored log of `name`; null when there is no such document. Throws when storage is unreadable. */
export function loadStoredYDoc(storage: Storage, name: string): Y.Doc | null {
  const loaded = storage.load(name)
  if (!loaded) return null
  const ydoc = newYDoc()
  ydoc.transact(() => {
    for (const update of loaded.updates) Y.applyUpdate(ydoc, update, STORAGE_ORIGIN)
  }, STORAGE_ORIGIN)
  return ydoc
}

/** Where a document's live Y.Doc is: the loaded room's, by name. */
export interface LiveDocs {
  get(name: string): { ydoc: Y.Doc } | undefined
}

/**
 * Runs `use` on the document's current Y.Doc: the live one when loaded (no copy, so it sees every
 * accepted update), else a throwaway one from storage. Null when there is no such document.
 */
export function withYDoc<T>(storage: Storage, live: LiveDocs, name: string, use: (ydoc: Y.Doc) => T): T | null {
  const room = live.get(name)
  if (room) return use(room.ydoc)
  const ydoc = loadStoredYDoc(storage, name)
  if (!ydoc) return null
  try {
    return use(ydoc)
  } finally {
    ydoc.destroy()
  }
}

/** The podium text of a Y.Doc. */
export function podiumText(ydoc: Y.Doc): string {
  return serializePodium(readDocFromY(ydoc))
}

/** Paragraph, open-paragraph and bracket counts of a Y.Doc, from the shared analysis. */
export function docCounts(ydoc: Y.Doc, roster: readonly RosterEntry[]): { paragraphs: number; open: number; brackets: number } {
  const { totals } = analyse(readDocFromY(ydoc), roster)
  return { paragraphs: totals.paragraphs, open: totals.open, brackets: totals.brackets }
}
