// Documents out and in over REST: export (live text or a snapshot), import preview, and replacing the
// live text with an import (after a snapshot).

import { parsePodium } from '../../../shared/format/index.ts'
import { readDocFromY } from '../../../shared/ydoc.ts'
import { withYDoc } from '../../documents.ts'
import { handleExport } from '../../export/index.ts'
import { MAX_IMPORT_BYTES, previewImport } from '../../import/index.ts'
import { replaceDoc, snapshotDoc } from '../../snapshots/service.ts'
import type { Route } from '../context.ts'
import { error } from '../respond.ts'
import { actor, snapshotDeps } from './snapshots.ts'

/** /api/docs/<doc>/export, /api/import/preview and /api/docs/<doc>/replace. */
export const transferRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/docs\/([^/]+)\/export$/,
    roles: 'any',
    handle: async ({ params: [name], url }, deps) => {
      const record = deps.storage.getDoc(name)
      if (!record) return error(404, `no document named ${name}`)
      const snapshotParam = url.searchParams.get('snapshot')
      let doc
      let meta: { title: string; label?: string; hash?: string } = { title: record.title }
      if (snapshotParam) {
        const id = Number(snapshotParam)
        const snap = Number.isInteger(id) && id > 0 ? deps.storage.getSnapshot(name, id) : null
        if (!snap) return error(404, `${name} has no snapshot ${snapshotParam}`)
        doc = snapshotDoc(snap)
        meta = { title: record.title, label: snap.label, hash: snap.sha256 }
      } else {
        doc = withYDoc(deps.storage, deps.hub.rooms, name, readDocFromY)
        if (!doc) return error(404, `no document named ${name}`)
      }
      const r = await handleExport(doc, url.searchParams.get('format'), { ...meta, roster: [...deps.meeting.roster] })
      const headers = r.headers
      return typeof r.body === 'string' && r.contentType.startsWith('application/json')
        ? { status: r.status, json: JSON.parse(r.body) }
        : { status: r.status, bytes: Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body, 'utf8'), contentType: r.contentType, headers }
    }
  },
  {
    // What an import would bring in, before anything is written: {filename, data (base64)} or {filename, text}.
    method: 'POST',
    pattern: /^\/import\/preview$/,
    roles: ['secretariat', 'chair'],
    // A Word file up to the import limit, base64 in JSON (4/3 of its size) with room for the rest.
    maxBodyBytes: Math.ceil(MAX_IMPORT_BYTES * 4 / 3) + 64 * 1024,
    handle: async ({ body }, deps) => {
      const b = (body ?? {}) as { filename?: unknown; data?: unknown; text?: unknown }
      const filename = typeof b.filename === 'string' ? b.filename : 'import'
      let input: Buffer | string
      if (typeof b.text === 'string') input = b.text
      else if (typeof b.data === 'string') input = Buffer.from(b.data, 'base64')
      else return error(400, 'give text (podium text) or data (the file, base64)')
      const p = await previewImport(input, filename, { roster: deps.meeting.roster })
      if (!p.ok) return { status: 422, json: { error: p.code, message: p.message } }
      return { status: 200, json: { kind: p.kind, title: p.title, text: p.text, warnings: p.warnings, summary: p.summary } }
    }
  },
  {
    method: 'POST',
    pattern: /^\/docs\/([^/]+)\/replace$/,
    roles: ['secretariat'],
    handle: ({ params: [name], body, principal }, deps) => {
      const text = (body as { text?: unknown } | undefined)?.text
      if (typeof text !== 'string') return error(400, 'text must be podium text (a string)')
      const { doc, warnings } = parsePodium(text, { roster: deps.meeting.roster })
      const r = replaceDoc(snapshotDeps(deps), name, doc, 'Before replacing the text with an import', actor(principal))
      if (!r.ok) return error(404, `no document named ${name}`)
      return { status: 200, json: { before: r.before, warnings } }
    }
  }
]
