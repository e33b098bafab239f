// The heavy half of the REST routes — exports, snapshot rendering and taking, comparisons, import
// previews, document texts and the counts of the document list — as plain functions of a Storage.
// The server runs them in worker threads (pool.ts) over their own connection to podium.db, never on
// the event loop that carries the live edits; each answers a Reply the route sends as it is.

import { documentFromJSON } from '../../shared/trust/index.ts'
import * as Y from 'yjs'
import { renderComparisonHtml } from '../../shared/history/index.ts'
import { renderHtml } from '../../shared/render/index.ts'
import { parsePodium, serializePodium } from '../../shared/format/index.ts'
import { carryIds } from '../../shared/history/index.ts'
import type { RosterEntry } from '../../shared/roster.ts'
import { readDocFromY, updateYFromDoc } from '../../shared/ydoc.ts'
import { docCounts, loadStoredYDoc, podiumText } from '../documents.ts'
import { handleExport, headerLines } from '../export/index.ts'
import { previewImport } from '../import/index.ts'
import { parseJsonBody, type Reply } from '../http/respond.ts'
import { IntegrityError } from '../storage/chain.ts'
import type { LoadedDoc, Storage } from '../storage/types.ts'
import { compare, displayName, snapshotDoc, takeSnapshot, type SnapshotDeps } from '../snapshots/service.ts'
import { exportRedlineDocx } from '../export/docx-redline.ts'
import { exportRedlinePdf } from '../export/pdf-redline.ts'
import { contentDisposition } from '../export/handler.ts'
import type { OnBehalfOf } from '../sync/origins.ts'
import { compactRoom, loadRoom } from './room-jobs.ts'
import { fileStamp, formatMeetingTime } from '../../shared/time.ts'

function error(status: number, message: string): Reply {
  return { status, json: { error: message } }
}

// The import preview's request body, read here rather than on the server's loop: JSON, then base64.
function previewSource(body: Uint8Array): { filename: string; text?: string; data?: Uint8Array } | { reply: Reply } {
  const parsed = parseJsonBody(body)
  if (!parsed.ok) return { reply: parsed.reply }
  const b = (parsed.value ?? {}) as { filename?: unknown; data?: unknown; text?: unknown }
  const filename = typeof b.filename === 'string' ? b.filename : 'import'
  if (typeof b.text === 'string') return { filename, text: b.text }
  if (typeof b.data === 'string') return { filename, data: Buffer.from(b.data, 'base64') }
  return { reply: error(400, 'give text (podium text) or data (the file, base64)') }
}

/** Nothing is live in a worker: every document is read from storage, as the server last stored it. */
const NOTHING_LIVE: SnapshotDeps['live'] = { get: () => undefined }

// A storage whose lastUpdateId is the log position its last load() read, in the same read transaction:
// a snapshot taken from it records exactly the updates it holds, whatever the server appends meanwhile.
function pinnedStorage(storage: Storage): Storage {
  const pinned = new Map<string, number>()
  return new Proxy(storage, {
    get(target, key, receiver) {
      if (key === 'load') {
        return (name: string): LoadedDoc | null => {
          const loaded = target.load(name)
          if (loaded) pinned.set(name, loaded.upto)
          return loaded
        }
      }
      if (key === 'lastUpdateId') return (name: string) => pinned.get(name) ?? target.lastUpdateId(name)
      return Reflect.get(target, key, receiver)
    }
  })
}

/** Every job: its arguments, by kind. */
export interface JobArgs {
  /** GET /api/docs/<doc>/export: the live text or a snapshot in one format. */
  export: { doc: string; format: string | null; snapshot: string | null; roster: RosterEntry[]; pdfTimeoutMs?: number; timeZone?: string }
  /** GET /api/docs/<doc>/text. */
  text: { doc: string }
  /** GET /api/docs/<doc>/snapshots/<id>?format=… */
  snapshot: { doc: string; id: number; format: string; roster: RosterEntry[] }
  /** POST /api/docs/<doc>/snapshots. */
  takeSnapshot: { doc: string; label: string; by: OnBehalfOf; cobDate?: string | null }
  /** GET /api/docs/<doc>/compare. */
  compare: { doc: string; from: number; to: number | 'live'; format: 'json' | 'html' | 'docx' | 'pdf'; roster?: RosterEntry[]; timeZone?: string; pdfTimeoutMs?: number }
  /** POST /api/import/preview: the request body as it came ({filename, data (base64)} or {filename, text}), or those already read. */
  preview: ({ body: Uint8Array } | { filename: string; text?: string; data?: Uint8Array }) & { roster: RosterEntry[] }
  /** The counts and stored sizes of the document list (GET /api/docs). */
  counts: { docs: string[]; roster: RosterEntry[] }
  /**
   * POST /api/docs/<doc>/restore (a snapshot) or /replace (podium text): takes the snapshot "before"
   * and computes the change that makes the stored text the target. The reply's `bytes` is that change
   * (a Yjs update by `json.clientId`); the route applies it through the live room, on the loop.
   */
  replace: { doc: string; by: OnBehalfOf; roster: RosterEntry[] } & ({ snapshot: number } | { text: string } | { json: unknown })
  /** A large document prepared for a room (room-jobs.ts): its state vector, the pieces to apply, the answer to a fresh joiner. */
  loadRoom: { doc: string; pieceBytes: number }
  /** A large document's log merged into one stored state, off the loop. */
  compactRoom: { doc: string; structs?: number }
}

/** One document's line of the document list, as computed off the event loop. */
export interface DocCounts {
  name: string
  paragraphs: number
  open: number
  brackets: number
  /** Bytes stored for the document (compacted state and log). */
  bytes: number
  error?: string
}

/** What a job needs besides its arguments. */
export interface JobContext {
  storage: Storage
  /** Stored bytes of one document, when the storage can tell. */
  docBytes?: (name: string) => number
}

/** The job kinds. */
export type JobKind = keyof JobArgs

/** Runs one job to its Reply. IntegrityError becomes a 500 that says what no longer matches its hash. */
export async function runJob<K extends JobKind>(kind: K, args: JobArgs[K], ctx: JobContext): Promise<Reply> {
  try {
    return await JOBS[kind](args as never, ctx)
  } catch (err) {
    if (err instanceof IntegrityError) return error(500, err.message)
    throw err
  }
}

const JOBS: { [K in JobKind]: (args: JobArgs[K], ctx: JobContext) => Reply | Promise<Reply> } = {
  loadRoom: ({ doc, pieceBytes }, { storage }) => loadRoom(storage, doc, pieceBytes),
  compactRoom: ({ doc, structs }, { storage }) => compactRoom(storage, doc, structs),

  async export({ doc: name, format, snapshot, roster, pdfTimeoutMs, timeZone }, { storage }) {
    const record = storage.getDoc(name)
    if (!record) return error(404, `no document named ${name}`)
    let doc
    const header = headerLines(record.header)
    let meta: { title: string; label?: string; hash?: string; header: string[] } = { title: record.title, header }
    if (snapshot) {
      const id = Number(snapshot)
      const snap = Number.isInteger(id) && id > 0 ? storage.getSnapshot(name, id) : null
      if (!snap) return error(404, `${name} has no snapshot ${snapshot}`)
      doc = snapshotDoc(snap)
      meta = { title: record.title, label: snap.label, hash: snap.sha256, header }
    } else {
      const ydoc = loadStoredYDoc(storage, name)
      if (!ydoc) return error(404, `no document named ${name}`)
      doc = readDocFromY(ydoc)
      ydoc.destroy()
    }
    const r = await handleExport(doc, format, { ...meta, roster, timeZone }, pdfTimeoutMs ? { timeoutMs: pdfTimeoutMs } : {})
    return typeof r.body === 'string' && r.contentType.startsWith('application/json')
      ? { status: r.status, json: JSON.parse(r.body) }
      : { status: r.status, bytes: Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body, 'utf8'), contentType: r.contentType, headers: r.headers }
  },

  text({ doc }, { storage }) {
    const ydoc = loadStoredYDoc(storage, doc)
    if (!ydoc) return error(404, `no document named ${doc}`)
    try {
      return { status: 200, text: podiumText(ydoc) }
    } finally {
      ydoc.destroy()
    }
  },

  snapshot({ doc, id, format, roster }, { storage }) {
    const record = storage.getSnapshot(doc, id)
    if (!record) return error(404, `${doc} has no snapshot ${id}`)
    const pmDoc = snapshotDoc(record)
    const { snapshot: _s, state: _st, ...meta } = record
    if (format === 'text') return { status: 200, text: serializePodium(pmDoc) }
    if (format === 'html') {
      const title = storage.getDoc(doc)?.title ?? doc
      return { status: 200, contentType: 'text/html; charset=utf-8', text: renderHtml(pmDoc, { title, subtitle: `${record.label} — SHA-256 ${record.sha256}`, roster }) }
    }
    if (format === 'json') return { status: 200, json: { ...meta, doc: pmDoc.toJSON() } }
    return error(400, `format ${JSON.stringify(format)} is not text, json or html`)
  },

  takeSnapshot({ doc, label, by, cobDate }, { storage }) {
    const r = takeSnapshot({ storage: pinnedStorage(storage), live: NOTHING_LIVE }, doc, { label, by, cobDate })
    if (!r.ok) return r.reason === 'missing' ? error(404, `no document named ${doc}`) : error(409, `${doc} already has this COB snapshot`)
    return { status: 201, json: { ...r.snapshot, takenByName: displayName(storage, r.snapshot.takenBy) } }
  },

  async compare({ doc, from, to, format, roster, timeZone = 'UTC', pdfTimeoutMs }, { storage }) {
    const r = compare({ storage, live: NOTHING_LIVE }, doc, from, to)
    if (!r.ok) return error(404, r.reason === 'missing-doc' ? `no document named ${doc}` : `${doc} has no snapshot ${r.which}`)
    if (format === 'docx' || format === 'pdf') {
      // Word revisions (w:ins/w:del) with author and date, or the same redline printed; the file named with the document and the time.
      const date = r.to === 'live' ? new Date().toISOString() : r.to.createdAt
      const between = `${r.from.label} → ${r.to === 'live' ? `live text (${formatMeetingTime(date, timeZone)})` : r.to.label}`
      const title = storage.getDoc(doc)?.title ?? doc
      const stamp = fileStamp(date, timeZone).replace(/-/g, '')
      const headers = { 'Content-Disposition': contentDisposition(`${doc}-redline-${r.from.id}-to-${r.to === 'live' ? 'live' : r.to.id}-${stamp}.${format}`) }
      if (format === 'pdf') {
        const printed = await exportRedlinePdf(r.comparison, { title, between, date, timeZone, roster }, pdfTimeoutMs ? { timeoutMs: pdfTimeoutMs } : {})
        if (!printed.ok) return { status: printed.code === 'no-browser' ? 501 : 500, json: { error: printed.code, message: printed.message } }
        return { status: 200, bytes: printed.pdf, contentType: 'application/pdf', headers }
      }
      const bytes = await exportRedlineDocx(r.comparison, { title, between, date, roster })
      return { status: 200, bytes, contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', headers }
    }
    if (format === 'html') {
      const title = `${r.from.label} → ${r.to === 'live' ? 'live text' : r.to.label}`
      return { status: 200, contentType: 'text/html; charset=utf-8', text: renderComparisonHtml(r.comparison, title) }
    }
    return { status: 200, json: { from: r.from, to: r.to, ...r.comparison } }
  },

  async preview(args) {
    const source = 'body' in args ? previewSource(args.body) : args
    if ('reply' in source) return source.reply
    const { filename, text, data } = source
    const { roster } = args
    if (typeof text !== 'string' && !data) return error(400, 'give text (podium text) or data (the file, base64)')
    const input = typeof text === 'string' ? text : Buffer.from(data!.buffer, data!.byteOffset, data!.byteLength)
    const p = await previewImport(input, filename, { roster })
    if (!p.ok) return { status: 422, json: { error: p.code, message: p.message } }
    // The document as read, besides its text: confirming sends it back as it is, so nothing in a Word
    // file's text (a literal asterisk, a bracket) is read as markup a second time.
    return { status: 200, json: { kind: p.kind, title: p.title, text: p.text, doc: p.doc.toJSON(), warnings: p.warnings, summary: p.summary, metadata: p.metadata ?? null, unknownNames: p.unknownNames ?? null } }
  },

  replace(args, { storage }) {
    const { doc: name, by, roster } = args
    if (!storage.getDoc(name)) return error(404, `no document named ${name}`)
    let target
    let label: string
    let warnings: unknown[] = []
    if ('snapshot' in args) {
      const record = storage.getSnapshot(name, args.snapshot)
      if (!record) return error(404, `${name} has no snapshot ${args.snapshot}`)
      target = snapshotDoc(record)
      label = `Before restoring "${record.label}"`
    } else if ('json' in args) {
      // A document confirmed in the browser: checked as strictly as a live change.
      const read = documentFromJSON(args.json, roster)
      if (!read.ok) return error(400, read.problem.reason)
      target = read.doc
      label = 'Before replacing the text with an import'
    } else {
      const parsed = parsePodium(args.text, { roster })
      target = parsed.doc
      warnings = parsed.warnings
      label = 'Before replacing the text with an import'
    }
    const pinned = pinnedStorage(storage)
    const before = takeSnapshot({ storage: pinned, live: NOTHING_LIVE }, name, { label, by })
    if (!before.ok) return error(404, `no document named ${name}`)
    // The change is computed on the stored document as this snapshot holds it, under a client id of its own.
    const copy = loadStoredYDoc(pinned, name)
    if (!copy) return error(404, `no document named ${name}`)
    try {
      const sv = Y.encodeStateVector(copy)
      updateYFromDoc(copy, carryIds(readDocFromY(copy), target))
      const diff = Y.encodeStateAsUpdate(copy, sv)
      return { status: 200, json: { before: before.snapshot, warnings, clientId: copy.clientID }, bytes: Buffer.from(diff.buffer, diff.byteOffset, diff.byteLength) }
    } finally {
      copy.destroy()
    }
  },

  counts({ docs, roster }, { storage, docBytes }) {
    const out: DocCounts[] = docs.map((name) => {
      const bytes = docBytes?.(name) ?? 0
      let ydoc: Y.Doc | null = null
      try {
        ydoc = loadStoredYDoc(storage, name)
        if (!ydoc) return { name, paragraphs: 0, open: 0, brackets: 0, bytes, error: 'the document could not be read' }
        return { name, ...docCounts(ydoc, roster), bytes }
      } catch {
        return { name, paragraphs: 0, open: 0, brackets: 0, bytes, error: 'the document could not be read' }
      } finally {
        ydoc?.destroy()
      }
    })
    return { status: 200, json: out }
  }
}
