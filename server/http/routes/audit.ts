// GET /api/docs/<doc>/audit: accepted updates and refusals merged by time, for the secretariat and the chair.

import type { Route } from '../context.ts'
import { error } from '../respond.ts'

/** Entries answered when the request names no limit, and the most it may ask for. */
export const AUDIT_DEFAULT_LIMIT = 1000
export const AUDIT_MAX_LIMIT = 10_000

/** /api/docs/<doc>/audit?since=ISO&delegation=CODE&limit=N */
export const auditRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/docs\/([^/]+)\/audit$/,
    roles: ['secretariat', 'chair'],
    handle: ({ params: [doc], url }, deps) => {
      if (!deps.storage.getDoc(doc)) return error(404, `no document named ${doc}`)
      const q = url.searchParams
      let since: string | undefined
      const sinceText = q.get('since')
      if (sinceText !== null) {
        const t = Date.parse(sinceText)
        if (!/^\d{4}-\d{2}-\d{2}/.test(sinceText) || Number.isNaN(t)) return error(400, `since ${JSON.stringify(sinceText)} is not an ISO date or time`)
        since = new Date(t).toISOString()
      }
      const delegation = q.get('delegation') ?? undefined
      if (delegation !== undefined && !/^[A-Za-z][A-Za-z0-9_-]{0,31}$/.test(delegation)) return error(400, `delegation ${JSON.stringify(delegation)} is not a delegation code`)
      const limitText = q.get('limit')
      const limit = limitText === null ? AUDIT_DEFAULT_LIMIT : Number(limitText)
      if (!/^\d+$/.test(limitText ?? '1') || limit < 1 || limit > AUDIT_MAX_LIMIT) return error(400, `limit must be a whole number from 1 to ${AUDIT_MAX_LIMIT}`)
      return { status: 200, json: deps.storage.auditEntries(doc, { since, delegation, limit }) }
    }
  }
]
