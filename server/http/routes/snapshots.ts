// Snapshot routes: list, take, read (text/json/html), compare with a redline, restore.

import { asOfLabel } from '../../snapshots/cob.ts'
import { displayName } from '../../snapshots/service.ts'
import type { OnBehalfOf } from '../../sync/origins.ts'
import { identityOf, type Principal } from '../../tokens.ts'
import type { ApiDeps, Route } from '../context.ts'
import { error, type Reply } from '../respond.ts'

const LABEL_MAX = 200

/** The principal as the one a server-made change is made for. */
export function actor(p: Principal): OnBehalfOf {
  return { tokenId: p.tokenId, role: p.role, delegation: p.delegation, identity: identityOf(p) }
}

/**
 * Runs a restore or replace in a worker (the snapshot "before" and the change), then applies the
 * change on the loop: through the live room when loaded (stored, sent to everyone), else appended.
 */
export async function replaceInWorker(deps: ApiDeps, principal: Principal, args: { doc: string } & ({ snapshot: number } | { text: string } | { json: unknown })): Promise<Reply> {
  deps.hub.rooms.flush(args.doc)
  const by = actor(principal)
  const r = await deps.work.run('replace', { ...args, by, roster: [...deps.meeting.roster] }, principal.tokenId)
  if (r.status !== 200 || !r.bytes) return r
  const { before, warnings, clientId } = r.json as { before: unknown; warnings: unknown[]; clientId: number }
  const update = new Uint8Array(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength)
  const room = deps.hub.rooms.get(args.doc)
  if (room) room.applyLocal(update, by)
  else deps.storage.append(args.doc, update, { ...by, clientIds: [clientId] })
  return { status: 200, json: 'snapshot' in args ? { ok: true, before } : { before, warnings } }
}

function parseId(value: string | null, what: string): number | Reply {
  const n = Number(value)
  if (!value || !Number.isInteger(n) || n <= 0) return error(400, `${what} ${JSON.stringify(value)} is not a snapshot id`)
  return n
}

// `from` may name a snapshot id or `last-cob` (the newest COB snapshot, else the newest snapshot).
function resolveFrom(deps: ApiDeps, doc: string, value: string | null): number | Reply {
  if (value === 'last-cob' || value === 'latest') {
    const all = deps.storage.listSnapshots(doc)
    const pick = (value === 'last-cob' ? all.filter((s) => s.cobDate).at(-1) : undefined) ?? all.at(-1)
    if (!pick) return error(404, `${doc} has no snapshot yet`)
    return pick.id
  }
  return parseId(value, 'from')
}

/** /api/docs/<doc>/snapshots, /compare and /restore routes. */
export const snapshotRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/docs\/([^/]+)\/snapshots$/,
    roles: 'any',
    handle: ({ params: [doc] }, deps) => {
      if (!deps.storage.getDoc(doc)) return error(404, `no document named ${doc}`)
      return { status: 200, json: deps.storage.listSnapshots(doc).map((s) => ({ ...s, takenByName: displayName(deps.storage, s.takenBy) })) }
    }
  },
  {
    method: 'POST',
    pattern: /^\/docs\/([^/]+)\/snapshots$/,
    roles: ['secretariat', 'chair'],
    handle: ({ params: [doc], body, principal }, deps) => {
      const label = (body as { label?: unknown } | undefined)?.label
      if (label !== undefined && (typeof label !== 'string' || !label.trim() || label.length > LABEL_MAX)) {
        return error(400, `label must be a non-empty string of at most ${LABEL_MAX} characters`)
      }
      if (!deps.storage.getDoc(doc)) return error(404, `no document named ${doc}`)
      // Taken in a worker from storage, after this room's accepted updates are appended (the snapshot holds them).
      deps.hub.rooms.flush(doc)
      return deps.work.run('takeSnapshot', { doc, label: ((label as string | undefined) ?? asOfLabel(Date.now(), deps.meeting.timeZone)).trim(), by: actor(principal) }, principal.tokenId)
    }
  },
  {
    method: 'GET',
    pattern: /^\/docs\/([^/]+)\/snapshots\/([^/]+)$/,
    roles: 'any',
    handle: ({ params: [doc, idText], url, principal }, deps) => {
      const id = parseId(idText, 'snapshot')
      if (typeof id !== 'number') return id
      const format = url.searchParams.get('format') ?? 'json'
      if (!['text', 'html', 'json'].includes(format)) return error(400, `format ${JSON.stringify(format)} is not text, json or html`)
      return deps.work.run('snapshot', { doc, id, format, roster: [...deps.meeting.roster] }, principal.tokenId)
    }
  },
  {
    method: 'GET',
    pattern: /^\/docs\/([^/]+)\/compare$/,
    roles: 'any',
    handle: ({ params: [doc], url, principal }, deps) => {
      const from = resolveFrom(deps, doc, url.searchParams.get('from'))
      if (typeof from !== 'number') return from
      const toText = url.searchParams.get('to') ?? 'live'
      const to = toText === 'live' ? 'live' : parseId(toText, 'to')
      if (typeof to === 'object') return to
      const format = url.searchParams.get('format') ?? 'json'
      if (format !== 'json' && format !== 'html' && format !== 'docx' && format !== 'pdf') return error(400, `format ${JSON.stringify(format)} is not json, html, docx or pdf`)
      if (!deps.storage.getDoc(doc)) return error(404, `no document named ${doc}`)
      if (to === 'live') deps.hub.rooms.flush(doc)
      // Printing must end before the worker's own time limit, so a slow print is answered in words.
      const pdfTimeoutMs = format === 'pdf' ? Math.max(1000, deps.workTimeoutMs - 5000) : undefined
      return deps.work.run('compare', { doc, from, to, format, roster: [...deps.meeting.roster], timeZone: deps.meeting.timeZone, ...(pdfTimeoutMs ? { pdfTimeoutMs } : {}) }, principal.tokenId)
    }
  },
  {
    method: 'POST',
    pattern: /^\/docs\/([^/]+)\/restore$/,
    roles: ['secretariat', 'chair'],
    writesText: true,
    handle: ({ params: [doc], body, principal }, deps) => {
      const raw = (body as { snapshot?: unknown } | undefined)?.snapshot
      const id = parseId(raw === undefined ? null : String(raw), 'snapshot')
      if (typeof id !== 'number') return id
      return replaceInWorker(deps, principal, { doc, snapshot: id })
    }
  }
]
