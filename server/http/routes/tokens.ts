// Token routes (secretariat only): list, create, revoke. The secret is shown once, at creation.

import { createToken, signInPath } from '../../tokens.ts'
import type { Route } from '../context.ts'
import { error } from '../respond.ts'

/** /api/tokens routes. */
export const tokenRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/tokens$/,
    roles: ['secretariat'],
    handle: (_req, { storage }) => ({
      status: 200,
      json: storage.listTokens().map((t) => ({ id: t.id, role: t.role, delegation: t.delegation, label: t.label, doc: t.doc, createdAt: t.createdAt, expiresAt: t.expiresAt ?? null, revoked: t.revokedAt !== null }))
    })
  },
  {
    method: 'POST',
    pattern: /^\/tokens$/,
    roles: ['secretariat'],
    handle: ({ body }, { storage, meeting, defaultDoc }) => {
      const b = (body ?? {}) as { role?: unknown; delegation?: unknown; label?: unknown; doc?: unknown; expires?: unknown }
      let created
      try {
        created = createToken(storage, { role: b.role as string, delegation: b.delegation as string | null, label: b.label as string | null, doc: b.doc as string | null, expires: b.expires as string | null }, meeting.roster)
      } catch (err) {
        if (err instanceof RangeError) return error(400, err.message)
        throw err
      }
      const { token, record } = created
      return { status: 201, json: { id: record.id, token, role: record.role, delegation: record.delegation, label: record.label, doc: record.doc, expiresAt: record.expiresAt ?? null, link: signInPath(record.doc ?? defaultDoc, token) } }
    }
  },
  {
    method: 'DELETE',
    pattern: /^\/tokens\/([^/]+)$/,
    roles: ['secretariat'],
    handle: ({ params: [id] }, { storage, hub }) => {
      if (!storage.tokenById(id)) return error(404, `no token with id ${id}`)
      storage.revokeToken(id)
      hub.revoke(id)
      return { status: 204 }
    }
  }
]
