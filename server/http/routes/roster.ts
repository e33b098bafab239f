// The roster over REST: everyone reads it (editors poll it to redraw when it changes); the secretariat
// adds delegations and edits their names, colours and aliases from the meeting home.

import type { Route } from '../context.ts'
import { error } from '../respond.ts'

/** /api/roster and /api/roster/<code>. */
export const rosterRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/roster$/,
    roles: 'any',
    handle: (_req, { roster }) => {
      roster.refresh()
      return { status: 200, json: { revision: roster.revision, roster: roster.entries } }
    }
  },
  {
    method: 'POST',
    pattern: /^\/roster$/,
    roles: ['secretariat'],
    handle: ({ body }, { roster }) => {
      const r = roster.add(body)
      return r.ok ? { status: 201, json: { revision: roster.revision, entry: r.entry } } : error(r.status, r.problem)
    }
  },
  {
    method: 'PATCH',
    pattern: /^\/roster\/([^/]+)$/,
    roles: ['secretariat'],
    handle: ({ params: [code], body }, { roster }) => {
      const r = roster.edit(code, body)
      return r.ok ? { status: 200, json: { revision: roster.revision, entry: r.entry } } : error(r.status, r.problem)
    }
  }
]
