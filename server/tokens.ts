// Sign-in tokens: random, shown once, stored only as a sha256 hash. A token carries a role and,
// for a delegation, the roster code it speaks for.

import { createHash, randomBytes } from 'node:crypto'
import { ROLES, type Role } from '../shared/protocol.ts'
import type { RosterEntry } from '../shared/roster.ts'
import type { Storage, TokenRecord } from './storage/types.ts'

/** What a valid token grants: used by the REST API and the sync server alike. */
export interface Principal {
  tokenId: string
  role: Role
  delegation: string | null
  label: string | null
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
}

/** The sha256 hash (hex) under which a token is stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

/**
 * Checks a token request against the roster: the role must be one of ROLES, a delegation token
 * must name a roster code, other roles must not. Throws a RangeError naming the bad value.
 */
export function checkTokenRequest(req: TokenRequest, roster: readonly RosterEntry[]): { role: Role; delegation: string | null; label: string | null; doc: string | null } {
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
  if (doc !== null && typeof doc !== 'string') throw new RangeError(`doc ${JSON.stringify(doc)} is not a document name`)
  return { role, delegation, label, doc }
}

/** Creates and stores a token; throws a RangeError for a bad request (see checkTokenRequest). */
export function createToken(storage: Storage, req: TokenRequest, roster: readonly RosterEntry[]): CreatedToken {
  const checked = checkTokenRequest(req, roster)
  const token = randomBytes(24).toString('base64url')
  const record: TokenRecord = {
    id: randomBytes(5).toString('hex'),
    hash: hashToken(token),
    ...checked,
    createdAt: new Date().toISOString(),
    revokedAt: null
  }
  storage.insertToken(record)
  return { token, record }
}

/** The principal a token stands for, or null when it is missing, unknown or revoked. */
export function authenticate(storage: Storage, token: string | null | undefined): Principal | null {
  if (typeof token !== 'string' || token.length === 0 || token.length > 200) return null
  const record = storage.tokenByHash(hashToken(token))
  if (!record || record.revokedAt) return null
  return { tokenId: record.id, role: record.role, delegation: record.delegation, label: record.label }
}

/** Whether the token with this id is still valid (exists, not revoked). */
export function stillValid(storage: Storage, tokenId: string): boolean {
  const record = storage.tokenById(tokenId)
  return record !== null && record.revokedAt === null
}

/** The sign-in path for a token: `/d/<doc>?token=…`. */
export function signInPath(doc: string, token: string): string {
  return `/d/${encodeURIComponent(doc)}?token=${encodeURIComponent(token)}`
}

/** The identity Yjs client IDs are bound to: one per delegation, else one per token. */
export function identityOf(p: Principal): string {
  return p.role === 'delegation' && p.delegation ? `delegation:${p.delegation}` : `token:${p.tokenId}`
}
