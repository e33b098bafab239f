// Document routes: list with counts and presence, create from podium text, rename, read as text.

import type * as Y from 'yjs'
import { createDocument, docCounts, podiumText, withYDoc as withLiveYDoc } from '../../documents.ts'
import type { ApiDeps, Route } from '../context.ts'
import { error, type Reply } from '../respond.ts'

const TITLE_MAX = 300

function withYDoc<T>(deps: ApiDeps, name: string, use: (ydoc: Y.Doc) => T): T | null {
  return withLiveYDoc(deps.storage, deps.hub.rooms, name, use)
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
    handle: ({ principal }, deps) => ({
      status: 200,
      // A token issued for one document sees only that one (docs/server.md, "Tokens").
      json: deps.storage.listDocs().filter((d) => principal.doc === null || d.name === principal.doc).map((d) => {
        let counts = { paragraphs: 0, open: 0, brackets: 0 }
        let failed = false
        try {
          counts = withYDoc(deps, d.name, (ydoc) => docCounts(ydoc, deps.meeting.roster)) ?? counts
        } catch {
          failed = true
        }
        return { name: d.name, title: d.title, ...counts, createdAt: d.createdAt, lastChange: d.lastChange, connected: deps.hub.presence(d.name), ...(failed ? { error: 'the document could not be read' } : {}) }
      })
    })
  },
  {
    method: 'POST',
    pattern: /^\/docs$/,
    roles: ['secretariat'],
    handle: ({ body }, deps) => {
      const b = (body ?? {}) as { name?: unknown; title?: unknown; text?: unknown }
      if (typeof b.name !== 'string') return error(400, 'name must be a string of [A-Za-z0-9._-]{1,100}')
      const title = checkTitle(b.title, b.name)
      if (typeof title !== 'string') return title
      if (b.text !== undefined && typeof b.text !== 'string') return error(400, 'text must be podium text (a string)')
      const result = createDocument(deps.storage, b.name, title, b.text ?? '', deps.meeting.roster)
      if (!result.ok) {
        return result.reason === 'exists' ? error(409, `a document named ${b.name} exists`) : error(400, `document name ${JSON.stringify(b.name)} is not [A-Za-z0-9._-]{1,100}`)
      }
      return { status: 201, json: { name: b.name, title, warnings: result.warnings } }
    }
  },
  {
    method: 'PATCH',
    pattern: /^\/docs\/([^/]+)$/,
    roles: ['secretariat'],
    handle: ({ params: [name], body }, deps) => {
      const title = checkTitle((body as { title?: unknown } | undefined)?.title, null)
      if (typeof title !== 'string') return title
      if (!deps.storage.setTitle(name, title)) return error(404, `no document named ${name}`)
      return { status: 200, json: { name, title } }
    }
  },
  {
    method: 'GET',
    pattern: /^\/docs\/([^/]+)\/text$/,
    roles: 'any',
    handle: ({ params: [name] }, deps) => {
      const text = withYDoc(deps, name, podiumText)
      if (text === null) return error(404, `no document named ${name}`)
      return { status: 200, text }
    }
  }
]
