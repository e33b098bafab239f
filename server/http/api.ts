// The REST API under /api: bearer-token authentication, the route table, roles, errors as statuses.

import type { IncomingMessage, ServerResponse } from 'node:http'
import { Paths } from '../../shared/protocol.ts'
import type { Logger } from '../logger.ts'
import { authenticate } from '../tokens.ts'
import type { ApiDeps, Route } from './context.ts'
import { error, readJson, send } from './respond.ts'
import { docRoutes } from './routes/docs.ts'
import { meRoutes } from './routes/me.ts'
import { snapshotRoutes } from './routes/snapshots.ts'
import { tokenRoutes } from './routes/tokens.ts'
import { transferRoutes } from './routes/transfer.ts'

/** Every REST route, matched in order against the path after /api. */
export const routes: readonly Route[] = [...meRoutes, ...docRoutes, ...snapshotRoutes, ...transferRoutes, ...tokenRoutes]

/**
 * Answers one /api request: 401 without a valid bearer token, 404/405 for unknown paths and
 * methods, 403 for a role the route does not allow, 500 (logged) when a handler throws.
 */
export async function handleApi(req: IncomingMessage, res: ServerResponse, deps: ApiDeps, log: Logger, maxBodyBytes: number): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost')
  const path = url.pathname.slice(Paths.api.length) || '/'
  const header = req.headers.authorization ?? ''
  const match = /^Bearer\s+(\S+)$/i.exec(header)
  const principal = authenticate(deps.storage, match?.[1])
  if (!principal) return send(res, error(401, 'a valid token is required (Authorization: Bearer <token>)'))
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
  let body: unknown
  if (route.method === 'POST' || route.method === 'PATCH') {
    const read = await readJson(req, route.maxBodyBytes ?? maxBodyBytes)
    if (!read.ok) return send(res, read.reply)
    body = read.value
  }
  try {
    send(res, await route.handle({ principal, params, body, url }, deps))
  } catch (err) {
    log.error({ path, method: req.method, err: (err as Error).stack }, 'API handler failed')
    send(res, error(500, 'internal error'))
  }
}
