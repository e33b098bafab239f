// Token routes (secretariat only): list, create, revoke. The secret is shown once, at creation.

import { createToken, signInPath } from '../../tokens.ts'
import type { Route } from '../context.ts'
import { error } from '../respond.ts'

/** Whether a link still signs in: not revoked, not expired. */
function usable(t: { revokedAt: string | null; expiresAt?: string | null }): boolean {
  return t.revokedAt === null && !(t.expiresAt && Date.parse(t.expiresAt) <= Date.now())
}

/** /api/tokens routes. */
export const tokenRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/tokens$/,
    roles: ['secretariat'],
    handle: ({ principal }, { storage }) => ({
      status: 200,
      // `you`: the link the asking tab is signed in with (the list marks it, the confirmation warns).
      json: storage.listTokens().map((t) => ({ id: t.id, role: t.role, delegation: t.delegation, label: t.label, doc: t.doc, createdAt: t.createdAt, expiresAt: t.expiresAt ?? null, revoked: t.revokedAt !== null, you: t.id === principal.tokenId }))
    })
  },
  {
    method: 'POST',
    pattern: /^\/tokens$/,
    roles: ['secretariat'],
    handle: ({ body }, { storage, meeting, defaultDoc }) => {
      const b = (body ?? {}) as { role?: unknown; delegation?: unknown; label?: unknown; doc?: unknown; expires?: unknown }
      // Labels tell links apart in the list: no two working links share one.
      const wanted = typeof b.label === 'string' ? b.label.trim() : ''
      if (wanted && storage.listTokens().some((t) => usable(t) && (t.label ?? '').trim().toLowerCase() === wanted.toLowerCase())) {
        return error(409, `A working link is already labelled "${wanted}": choose another label, or revoke that link first`)
      }
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
      const target = storage.tokenById(id)
      if (!target) return error(404, `no token with id ${id}`)
      // Someone must still be able to manage the meeting from a browser.
      if (target.role === 'secretariat' && usable(target) && !storage.listTokens().some((t) => t.id !== id && t.role === 'secretariat' && usable(t))) {
        return error(409, 'This is the last working secretariat link: issue another secretariat link first, or nobody could manage the meeting')
      }
      storage.revokeToken(id)
      hub.revokeEverywhere(id)
      return { status: 204 }
    }
  }
]
