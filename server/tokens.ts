// Sign-in tokens: random, shown once, stored only as a sha256 hash. A token carries a role and,
// for a delegation, the roster code it speaks for.

import { createHash, randomBytes } from 'node:crypto'
import { DOC_NAME_PATTERN, ROLES, type Role } from '../shared/protocol.ts'
import type { RosterEntry } from '../shared/roster.ts'
import type { Storage, TokenRecord } from './storage/types.ts'

/** What a valid token grants: used by the REST API and the sync server alike. */
export interface Principal {
  tokenId: string
  role: Role
  delegation: string | null
  label: string | null
  /**
   * The one document the token may open, read and write, or null: meeting-wide (every document,
   * and the meeting-level calls its role allows). See docs/server.md, "Tokens".
   */
  doc: string | null
  /** When the token stops being valid (ISO 8601), or null: never. */
  expiresAt: string | null
}

/** A freshly created token: the secret (shown once) and its public record. */
export interface CreatedToken {
  token: string
  record: TokenRecord
}

/** What a new token should carry. */
export interface TokenRequest {
  role: string
  delegation?: string | null
  label?: string | null
  doc?: string | null
  /** `8h`, `30m`, `2d`, `90s`, or an ISO 8601 time such as `2026-12-05T18:00Z`; null or absent: never. */
  expires?: string | null
}

/** The sha256 hash (hex) under which a token is stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

/**
 * Checks a token request against the roster: the role must be one of ROLES, a delegation token
 * must name a roster code, other roles must not. Throws a RangeError naming the bad value.
 */
export function checkTokenRequest(req: TokenRequest, roster: readonly RosterEntry[], now = Date.now()): { role: Role; delegation: string | null; label: string | null; doc: string | null; expiresAt: string | null } {
  if (!ROLES.includes(req.role as Role)) throw new RangeError(`role ${JSON.stringify(req.role)} is not one of ${ROLES.join(', ')}`)
  const role = req.role as Role
  const delegation = req.delegation ?? null
  if (role === 'delegation') {
    if (typeof delegation !== 'string' || !roster.some((e) => e.code === delegation)) {
      throw new RangeError(`delegation ${JSON.stringify(delegation)} is not a roster code (${roster.map((e) => e.code).join(', ')})`)
    }
  } else if (delegation !== null) {
    throw new RangeError(`delegation ${JSON.stringify(delegation)} is only for role delegation, not ${role}`)
  }
  const label = req.label ?? null
  if (label !== null && (typeof label !== 'string' || label.length > 200)) throw new RangeError(`label ${JSON.stringify(label)} is not a string of at most 200 characters`)
  const doc = req.doc ?? null
  if (doc !== null && (typeof doc !== 'string' || !DOC_NAME_PATTERN.test(doc))) throw new RangeError(`doc ${JSON.stringify(doc)} is not a document name`)
  const expires = req.expires ?? null
  const expiresAt = expires === null ? null : parseExpiry(expires, now)
  return { role, delegation, label, doc, expiresAt }
}

/** Creates and stores a token; throws a RangeError for a bad request (see checkTokenRequest). */
export function createToken(storage: Storage, req: TokenRequest, roster: readonly RosterEntry[]): CreatedToken {
  const checked = checkTokenRequest(req, roster)
  const token = randomBytes(24).toString('base64url')
  const { expiresAt, ...rest } = checked
  const record: TokenRecord = {
    id: randomBytes(5).toString('hex'),
    hash: hashToken(token),
    ...rest,
    createdAt: new Date().toISOString(),
    revokedAt: null
  }
  storage.insertToken(record)
  if (expiresAt !== null) {
    // Set before the secret is shown to anyone: a token meant to expire is never valid without its expiry.
    storage.setTokenExpiry(record.id, expiresAt)
    record.expiresAt = expiresAt
  }
  return { token, record }
}

/**
 * When a token asked to expire `value` (`8h`, `30m`, `2d`, `90s`, or an ISO 8601 time) expires, as
 * an ISO string. Throws a RangeError for anything else, or a time not in the future.
 */
export function parseExpiry(value: unknown, now = Date.now()): string {
  if (typeof value !== 'string') throw new RangeError(`expires ${JSON.stringify(value)} is not a duration (8h, 30m, 2d) or an ISO time`)
  const m = /^(\d{1,6})([smhd])$/.exec(value.trim())
  let at: number
  if (m) {
    at = now + Number(m[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd']
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value.trim())) {
    at = Date.parse(value.trim())
  } else {
    throw new RangeError(`expires ${JSON.stringify(value)} is not a duration (8h, 30m, 2d) or an ISO time with a zone (2026-12-05T18:00Z)`)
  }
  if (!Number.isFinite(at)) throw new RangeError(`expires ${JSON.stringify(value)} is not a valid time`)
  if (at <= now) throw new RangeError(`expires ${JSON.stringify(value)} is not in the future`)
  return new Date(at).toISOString()
}

/** Whether a token record is expired at `now` (ms). */
export function isExpired(record: { expiresAt?: string | null }, now = Date.now()): boolean {
  return record.expiresAt != null && Date.parse(record.expiresAt) <= now
}

/** The principal of a stored token record that is still valid, or null (revoked or expired). */
export function principalOf(record: TokenRecord | null, now = Date.now()): Principal | null {
  if (!record || record.revokedAt || isExpired(record, now)) return null
  return { tokenId: record.id, role: record.role, delegation: record.delegation, label: record.label, doc: record.doc, expiresAt: record.expiresAt ?? null }
}

/** The principal a token stands for, or null when it is missing, unknown, revoked or expired. */
export function authenticate(storage: Storage, token: string | null | undefined): Principal | null {
  if (typeof token !== 'string' || token.length === 0 || token.length > 200) return null
  return principalOf(storage.tokenByHash(hashToken(token)))
}

/**
 * Whether `p` may use document `doc`: a meeting-wide token (doc null) any document, a token
 * issued for one document only that one.
 */
export function mayOpen(p: Principal, doc: string): boolean {
  return p.doc === null || p.doc === doc
}

/** The sign-in path for a token: `/d/<doc>?token=…`. */
export function signInPath(doc: string, token: string): string {
  return `/d/${encodeURIComponent(doc)}?token=${encodeURIComponent(token)}`
}

/** The identity Yjs client IDs are bound to: one per delegation, else one per token. */
export function identityOf(p: Principal): string {
  return p.role === 'delegation' && p.delegation ? `delegation:${p.delegation}` : `token:${p.tokenId}`
}
