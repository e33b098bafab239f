// Browser sessions. A sign-in link carries the long-lived token; the browser exchanges it once
// (POST /api/session) for an httpOnly, SameSite=Strict cookie named after the token's public id,
// and from then on names only that id: `X-Podium-Session: <id>` on REST calls, `?session=<id>` on
// the websocket. The secret never stays in the address bar, the history, the tab's storage or a
// websocket URL; scripts cannot read it; other sites cannot send it. One cookie per token, so two
// sign-ins in one browser (two tabs, two delegations) stay apart. Non-browser clients keep using
// `Authorization: Bearer` and `?token=`. Why a cookie rather than a one-time ticket: docs/server.md.

import type { IncomingMessage } from 'node:http'
import type { Storage } from '../storage/types.ts'
import { authenticate, type Principal } from '../tokens.ts'

/** The request header naming the session (a token's public id) for cookie authentication. */
export const SESSION_HEADER = 'x-podium-session'

/** The websocket query parameter naming the session. */
export const SESSION_PARAM = 'session'

const SESSION_ID = /^[A-Za-z0-9_-]{1,64}$/

/** The cookie holding the token of session `id`. */
export function cookieName(id: string): string {
  return `podium_${id}`
}

/** Whether `id` has the shape of a session id (a token id). */
export function isSessionId(id: unknown): id is string {
  return typeof id === 'string' && SESSION_ID.test(id)
}

/** The value of cookie `name` in a Cookie header, or null. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    if (part.slice(0, eq).trim() !== name) continue
    try {
      return decodeURIComponent(part.slice(eq + 1).trim())
    } catch {
      return null
    }
  }
  return null
}

/**
 * Whether the request comes from a page of this server: no Origin header (not a browser), or an
 * Origin whose host is the Host the request was sent to. Cookie authentication requires it on the
 * websocket (browsers send cookies on cross-site websocket handshakes without any preflight).
 */
export function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin
  if (origin === undefined) return true
  try {
    return new URL(origin).host === req.headers.host
  } catch {
    return false
  }
}

/** The principal of session `id`: its cookie's token, valid and belonging to that id; else null. */
export function sessionPrincipal(storage: Storage, req: IncomingMessage, id: unknown): Principal | null {
  if (!isSessionId(id)) return null
  const principal = authenticate(storage, readCookie(req.headers.cookie, cookieName(id)))
  return principal && principal.tokenId === id ? principal : null
}

// Secure only when the browser reached us over TLS (directly or through a proxy that says so):
// a Secure cookie set over plain http on a LAN address is dropped by browsers.
function overTls(req: IncomingMessage): boolean {
  return (req.socket as { encrypted?: boolean }).encrypted === true || req.headers['x-forwarded-proto'] === 'https'
}

/** The Set-Cookie value storing `token` for session `id` (a browser-session cookie, or until the token expires). */
export function sessionCookie(req: IncomingMessage, id: string, token: string, expiresAt: string | null): string {
  const parts = [`${cookieName(id)}=${encodeURIComponent(token)}`, 'Path=/', 'HttpOnly', 'SameSite=Strict']
  if (expiresAt) parts.push(`Expires=${new Date(expiresAt).toUTCString()}`)
  if (overTls(req)) parts.push('Secure')
  return parts.join('; ')
}

/** The Set-Cookie value removing session `id`'s cookie. */
export function clearSessionCookie(req: IncomingMessage, id: string): string {
  return [`${cookieName(id)}=`, 'Path=/', 'HttpOnly', 'SameSite=Strict', 'Max-Age=0', ...(overTls(req) ? ['Secure'] : [])].join('; ')
}
