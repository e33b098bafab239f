// Document routes: list with counts and presence, create from podium text, rename, read as text.

import { DOC_NAME_RULE, docNameProblem } from '../../../shared/protocol.ts'
import { DOC_HEADER_MAX } from '../../../shared/limits.ts'
import { createDocument } from '../../documents.ts'
import type { Node as PMNode } from 'prosemirror-model'
import { documentFromJSON } from '../../../shared/trust/index.ts'
import type { Route } from '../context.ts'
import { error, type Reply } from '../respond.ts'
import { canSee, DEFAULT_NEW_VISIBILITY, isVisibility, VISIBILITIES, type Visibility } from '../../../shared/visibility.ts'

function visibilityRule(value: unknown): string {
  return `visibility ${JSON.stringify(typeof value === 'string' ? value.slice(0, 40) : value)} is not one of ${VISIBILITIES.join(', ')}`
}

const TITLE_MAX = 300

// A document's header as an import read it (lines joined by "\n"): text without control characters.
function checkHeader(value: unknown): string | null | Reply {
  if (value === undefined || value === null) return null
  if (typeof value !== 'string' || value.length > DOC_HEADER_MAX || /[\u0000-\u0009\u000b-\u001f\u007f]/.test(value)) return error(400, `header must be the draft's header lines, at most ${DOC_HEADER_MAX} characters of text`)
  return value.trim() || null
}

function checkTitle(value: unknown, fallback: string | null): string | Reply {
  if (value === undefined && fallback !== null) return fallback
  if (typeof value !== 'string' || !value.trim() || value.length > TITLE_MAX) return error(400, `title must be a non-empty string of at most ${TITLE_MAX} characters`)
  return value.trim()
}

/** /api/docs routes. */
export const docRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/docs$/,
    roles: 'any',
    // Counts and sizes come from a worker (http/doc-list.ts): 2,000 documents never stall the sync loop.
    handle: async ({ principal }, deps) => {
      // Only what this role may open is listed: a draft's name leaks to nobody.
      const docs = deps.storage.listDocs().filter((d) => (principal.doc === null || d.name === principal.doc) && canSee(principal.role, d.visibility))
      const counts = await deps.docList.counts(docs.map((d) => d.name), principal.tokenId)
      return {
        status: 200,
        json: docs.map((d) => {
          const c = counts.get(d.name)
          return {
            name: d.name, title: d.title,
            paragraphs: c?.paragraphs ?? 0, open: c?.open ?? 0, brackets: c?.brackets ?? 0,
            bytes: c?.bytes ?? 0, maxBytes: deps.docMaxBytes,
            createdAt: d.createdAt, lastChange: d.lastChange, connected: deps.hub.presence(d.name),
            visibility: d.visibility, archivedAt: d.archivedAt, header: d.header,
            ...(c && !c.error ? {} : { error: c?.error ?? 'the document could not be read' })
          }
        })
      }
    }
  },
  {
    method: 'POST',
    pattern: /^\/docs$/,
    roles: ['secretariat'],
    handle: ({ body }, deps) => {
      const b = (body ?? {}) as { name?: unknown; title?: unknown; text?: unknown; doc?: unknown; visibility?: unknown; header?: unknown }
      if (typeof b.name !== 'string') return error(400, `name must be a document name: ${DOC_NAME_RULE}`)
      if (b.visibility !== undefined && !isVisibility(b.visibility)) return error(400, visibilityRule(b.visibility))
      const visibility = (b.visibility as Visibility | undefined) ?? DEFAULT_NEW_VISIBILITY
      const title = checkTitle(b.title, b.name)
      if (typeof title !== 'string') return title
      const header = checkHeader(b.header)
      if (header !== null && typeof header !== 'string') return header
      if (b.text !== undefined && typeof b.text !== 'string') return error(400, 'text must be podium text (a string)')
      // The document an import preview read (ProseMirror JSON, checked as a live change would be), or podium text.
      let source: string | PMNode = b.text ?? ''
      if (b.doc !== undefined) {
        const read = documentFromJSON(b.doc, deps.meeting.roster)
        if (!read.ok) return error(400, read.problem.reason)
        source = read.doc
      }
      const result = createDocument(deps.storage, b.name, title, source, deps.meeting.roster)
      if (!result.ok) {
        return result.reason === 'exists' ? error(409, `a document named ${b.name} exists`) : error(400, docNameProblem(b.name) ?? `document name ${JSON.stringify(b.name)} is not allowed: ${DOC_NAME_RULE}`)
      }
      deps.storage.setDocMeta(b.name, { visibility, ...(header ? { header } : {}) })
      return { status: 201, json: { name: b.name, title, visibility, header, warnings: result.warnings } }
    }
  },
  {
    // {title?, visibility?, archived?, header?}: rename, release or withdraw, archive or unarchive, set the draft's header.
    method: 'PATCH',
    pattern: /^\/docs\/([^/]+)$/,
    roles: ['secretariat'],
    handle: ({ params: [name], body }, deps) => {
      if (body === null || typeof body !== 'object' || Array.isArray(body)) return error(400, 'send {title, visibility, archived}: the parts to change')
      const b = body as { title?: unknown; visibility?: unknown; archived?: unknown; header?: unknown }
      if (b.title === undefined && b.visibility === undefined && b.archived === undefined && b.header === undefined) return error(400, 'send {title, visibility, archived, header}: the parts to change')
      const header = checkHeader(b.header)
      if (header !== null && typeof header !== 'string') return header
      const title = b.title === undefined ? undefined : checkTitle(b.title, null)
      if (title !== undefined && typeof title !== 'string') return title
      if (b.visibility !== undefined && !isVisibility(b.visibility)) return error(400, visibilityRule(b.visibility))
      if (b.archived !== undefined && typeof b.archived !== 'boolean') return error(400, 'archived must be true (archive: read only for everyone) or false (unarchive)')
      const record = deps.storage.getDoc(name)
      if (!record) return error(404, `no document named ${name}`)
      if (title !== undefined) deps.storage.setTitle(name, title)
      const archivedAt = b.archived === undefined ? undefined : b.archived ? (record.archivedAt ?? new Date().toISOString()) : null
      deps.storage.setDocMeta(name, { visibility: b.visibility as Visibility | undefined, archivedAt, ...(b.header !== undefined ? { header } : {}) })
      // Sockets of roles that may no longer open it are closed now; an archived text turns read only.
      deps.hub.docMetaChangedEverywhere(name)
      const now = deps.storage.getDoc(name)!
      return { status: 200, json: { name, title: now.title, visibility: now.visibility, archivedAt: now.archivedAt, header: now.header } }
    }
  },
  {
    method: 'GET',
    pattern: /^\/docs\/([^/]+)\/text$/,
    roles: 'any',
    handle: ({ params: [name], principal }, deps) => {
      if (!deps.storage.getDoc(name)) return error(404, `no document named ${name}`)
      deps.hub.rooms.flush(name)
      return deps.work.run('text', { doc: name }, principal.tokenId)
    }
  }
]
