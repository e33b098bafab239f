// The REST API under /api: bearer-token authentication, the route table, roles, errors as statuses.

import type { IncomingMessage, ServerResponse } from 'node:http'
import { Paths } from '../../shared/protocol.ts'
import type { Logger } from '../logger.ts'
import { IntegrityError } from '../storage/chain.ts'
import { authenticate, type Principal } from '../tokens.ts'
import type { ApiDeps, Route } from './context.ts'
import { error, readBody, readJson, send, type Reply } from './respond.ts'
import { clearSessionCookie, isSessionId, sameOrigin, SESSION_HEADER, sessionCookie, sessionPrincipal } from './session.ts'
import { auditRoutes } from './routes/audit.ts'
import { docRoutes } from './routes/docs.ts'
import { meRoutes } from './routes/me.ts'
import { snapshotRoutes } from './routes/snapshots.ts'
import { tokenRoutes } from './routes/tokens.ts'
import { transferRoutes } from './routes/transfer.ts'
import { WorkRefused } from '../work/pool.ts'
import { archivedRefusal, docAccessRefusal } from './doc-access.ts'
import { rosterRoutes } from './routes/roster.ts'

/** The path (after /api) of the browser session exchange: POST {token} sets the cookie, DELETE clears it. */
export const SESSION_PATH = '/session'

// Calls without a document in their path that a token for one document may still make: who am I,
// the document list (only its document is listed), and an import preview (reads and writes nothing).
const SCOPED_MEETING_CALLS = new Set(['GET /me', 'GET /docs', 'GET /roster', 'POST /import/preview'])

/**
 * Why a token issued for one document may not make this call, or null when it may. A meeting-wide
 * token (doc null) may make every call its role allows; a document's token only calls on that
 * document (`/docs/<doc>/…`) and SCOPED_MEETING_CALLS.
 */
export function scopeRefusal(principal: Principal, route: Route, path: string, params: string[]): string | null {
  if (principal.doc === null) return null
  if (/^\/docs\/[^/]+/.test(path)) {
    return params[0] === principal.doc ? null : `this sign-in link is for document ${principal.doc} only, not ${params[0]}`
  }
  return SCOPED_MEETING_CALLS.has(`${route.method} ${path}`)
    ? null
    : `this sign-in link is for document ${principal.doc} only; ${route.method} ${path} needs a meeting-wide link`
}

// POST /api/session {token}: the sign-in link's token becomes an httpOnly cookie (see session.ts);
// answers the session id to name from then on. DELETE /api/session (X-Podium-Session): the cookie is removed.
async function handleSession(req: IncomingMessage, deps: ApiDeps, maxBodyBytes: number): Promise<Reply> {
  if (req.method === 'DELETE') {
    const id = req.headers[SESSION_HEADER]
    if (!isSessionId(id)) return error(400, `the ${SESSION_HEADER} header must name the session`)
    return { status: 204, headers: { 'set-cookie': clearSessionCookie(req, id) } }
  }
  if (req.method !== 'POST') return error(405, `${req.method} is not allowed on ${SESSION_PATH}`)
  // Only this server's own pages sign in (no login CSRF): a JSON body, which a cross-site form
  // cannot send, and no foreign Origin.
  if (!sameOrigin(req)) return error(403, 'sign in from this server\'s own pages')
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return error(415, 'send {"token": "…"} as application/json')
  const read = await readJson(req, Math.min(maxBodyBytes, 4096))
  if (!read.ok) return read.reply
  const token = (read.value as { token?: unknown } | undefined)?.token
  const principal = typeof token === 'string' ? authenticate(deps.storage, token) : null
  if (!principal) return error(401, 'this sign-in link is not valid (unknown, revoked or expired)')
  return {
    status: 200,
    headers: { 'set-cookie': sessionCookie(req, principal.tokenId, token as string, principal.expiresAt) },
    json: { session: principal.tokenId, role: principal.role, delegation: principal.delegation, doc: principal.doc, expiresAt: principal.expiresAt }
  }
}

/** Every REST route, matched in order against the path after /api. */
export const routes: readonly Route[] = [...meRoutes, ...docRoutes, ...snapshotRoutes, ...auditRoutes, ...transferRoutes, ...tokenRoutes, ...rosterRoutes]

/**
 * Answers one /api request: 401 without a valid bearer token, 404/405 for unknown paths and
 * methods, 403 for a role the route does not allow, 500 (logged) when a handler throws.
 */
export async function handleApi(req: IncomingMessage, res: ServerResponse, deps: ApiDeps, log: Logger, maxBodyBytes: number): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost')
  const path = url.pathname.slice(Paths.api.length) || '/'
  if (path === SESSION_PATH) return send(res, await handleSession(req, deps, maxBodyBytes))
  const header = req.headers.authorization ?? ''
  const match = /^Bearer\s+(\S+)$/i.exec(header)
  // A browser names its session (the cookie holds the token); anything else sends the token itself.
  const session = req.headers[SESSION_HEADER]
  const principal = match || session === undefined ? authenticate(deps.storage, match?.[1]) : sessionPrincipal(deps.storage, req, session)
  if (!principal) return send(res, error(401, 'a valid token is required (Authorization: Bearer <token>, or a session from POST /api/session)'))
  const candidates = routes.filter((r) => r.pattern.test(path))
  if (candidates.length === 0) return send(res, error(404, `no API route ${path}`))
  const route = candidates.find((r) => r.method === req.method)
  if (!route) return send(res, error(405, `${req.method} is not allowed on ${path}`))
  if (route.roles !== 'any' && !route.roles.includes(principal.role)) return send(res, error(403, `role ${principal.role} may not ${route.method} ${path}`))
  let params: string[]
  try {
    params = route.pattern.exec(path)!.slice(1).map(decodeURIComponent)
  } catch {
    return send(res, error(400, 'malformed path'))
  }
  const outOfScope = scopeRefusal(principal, route, path, params)
  if (outOfScope) return send(res, error(403, outOfScope))
  // Every route on one document: its visibility for this role, and no text change while archived.
  if (/^\/docs\/[^/]+/.test(path)) {
    const record = deps.storage.getDoc(params[0])
    const refusal = docAccessRefusal(principal, params[0], record) ?? (route.writesText ? archivedRefusal(params[0], record) : null)
    if (refusal) return send(res, refusal)
  }
  let body: unknown
  if (route.method === 'POST' || route.method === 'PATCH') {
    const limit = route.maxBodyBytes ?? maxBodyBytes
    const read = route.rawBody ? await readBody(req, limit) : await readJson(req, limit)
    if (!read.ok) return send(res, read.reply)
    body = 'bytes' in read ? read.bytes : read.value
  }
  try {
    send(res, await route.handle({ principal, params, body, url }, deps))
  } catch (err) {
    // Heavy work refused (429/503) or stopped over its time or memory limit: said in words.
    if (err instanceof WorkRefused) return send(res, err.reply())
    // Stored data that no longer matches its hash is never served as if intact: a 500 that says so.
    if (err instanceof IntegrityError) {
      log.error({ path, method: req.method, err: err.message }, 'stored data does not match its hash')
      return send(res, error(500, err.message))
    }
    log.error({ path, method: req.method, err: (err as Error).stack }, 'API handler failed')
    send(res, error(500, 'internal error'))
  }
}
