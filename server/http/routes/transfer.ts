// Documents out and in over REST: export (live text or a snapshot), import preview, and replacing the
// live text with an import (after a snapshot).

import { MAX_IMPORT_BYTES } from '../../import/index.ts'
import type { Route } from '../context.ts'
import { error } from '../respond.ts'
import { replaceInWorker } from './snapshots.ts'

/** /api/docs/<doc>/export, /api/import/preview and /api/docs/<doc>/replace. */
export const transferRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/docs\/([^/]+)\/export$/,
    roles: 'any',
    handle: ({ params: [name], url, principal }, deps) => {
      if (!deps.storage.getDoc(name)) return error(404, `no document named ${name}`)
      const snapshot = url.searchParams.get('snapshot')
      if (!snapshot) deps.hub.rooms.flush(name)
      const format = url.searchParams.get('format')
      // Chromium is given less time than the job, so a slow print is answered as a failed print.
      const pdfTimeoutMs = Math.max(1000, deps.workTimeoutMs - 5000)
      return deps.work.run('export', { doc: name, format, snapshot, roster: [...deps.meeting.roster], pdfTimeoutMs, timeZone: deps.meeting.timeZone }, principal.tokenId)
    }
  },
  {
    // What an import would bring in, before anything is written: {filename, data (base64)} or {filename, text}.
    method: 'POST',
    pattern: /^\/import\/preview$/,
    roles: ['secretariat', 'chair'],
    // A Word file up to the import limit, base64 in JSON (4/3 of its size) with room for the rest.
    maxBodyBytes: Math.ceil(MAX_IMPORT_BYTES * 4 / 3) + 64 * 1024,
    // Parsed in the worker too: a 20 MB file is 27 MB of JSON, which would hold the loop to parse.
    rawBody: true,
    // Unzipped and parsed in a worker, under its time and memory limits: a hostile file costs a worker, not the meeting.
    handle: ({ body, principal }, deps) => deps.work.run('preview', { body: body as Buffer, roster: [...deps.meeting.roster] }, principal.tokenId)
  },
  {
    method: 'POST',
    pattern: /^\/docs\/([^/]+)\/replace$/,
    roles: ['secretariat'],
    writesText: true,
    handle: ({ params: [name], body, principal }, deps) => {
      const b = (body ?? {}) as { text?: unknown; doc?: unknown }
      // The document an import preview read (ProseMirror JSON), or podium text.
      if (b.doc !== undefined) return replaceInWorker(deps, principal, { doc: name, json: b.doc })
      const text = b.text
      if (typeof text !== 'string') return error(400, 'give doc (the document a preview read) or text (podium text)')
      // Parsed, snapshotted and turned into one change in a worker; the change is applied here.
      return replaceInWorker(deps, principal, { doc: name, text })
    }
  }
]
