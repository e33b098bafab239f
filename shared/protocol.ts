// Wire constants shared by the browser client and the sync server. Named once, here.

/** y-websocket message types (the first varuint of every binary frame), as y-websocket's client sends them. */
export const MessageType = Object.freeze({
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
  /**
   * Server to client only (a client sending it is closed 1003): the meeting's roster changed; the
   * payload is its new revision (varuint). Open pages fetch `/api/roster` at once instead of waiting
   * for their next poll. y-websocket's own client logs and ignores a type it does not know.
   */
  rosterRevision: 30
})

/** WebSocket close codes Podium uses, with the reason each stands for. */
export const CloseCode = Object.freeze({
  /** Server shutting down (SIGINT/SIGTERM). */
  goingAway: 1001,
  /** A frame that is not a y-protocols message, or a truncated one. */
  protocolError: 1002,
  /** A text frame or an unknown message type. */
  unsupportedData: 1003,
  /** Writing under another delegation's client id, or another policy breach. */
  policyViolation: 1008,
  /** A frame over the size limit. */
  messageTooBig: 1009,
  /** Server error while handling the connection. */
  internalError: 1011,
  /** Rate limit exceeded, or a client that stops reading (send buffer over its bound). */
  tryAgainLater: 1013,
  /** No token, an unknown token or a revoked one. */
  unauthorized: 4401,
  /** An update the server refused (a rule it breaks): the client starts again from the server's text. */
  refused: 4409,
  /** The token is valid but does not allow this (e.g. a token for another meeting). */
  forbidden: 4403,
  /** There is no document by that name. */
  notFound: 4404,
  /** The document name is not `[A-Za-z0-9._-]{1,100}`. */
  badDocumentName: 4400,
  /** The document could not be loaded from storage; it is never written back. */
  loadFailed: 4500
})

/** The shape of a document name: `[A-Za-z0-9._-]{1,100}`. */
export const DOC_NAME_PATTERN = /^[A-Za-z0-9._-]{1,100}$/

/** The document name rule in words, for people. */
export const DOC_NAME_RULE = "letters, digits, '.', '_' and '-', at most 100 characters"

/** What is wrong with a document name, in words, or null when it is a good one. */
export function docNameProblem(name: string): string | null {
  if (name.length === 0) return `A document name is needed: ${DOC_NAME_RULE}`
  if (name.length > 100) return `A document name has at most 100 characters (this one has ${name.length})`
  const bad = [...new Set([...name].filter((ch) => !/[A-Za-z0-9._-]/.test(ch)))]
  if (bad.length) return `A document name may use only ${DOC_NAME_RULE}; not ${bad.map((c) => (c === ' ' ? 'spaces' : `“${c}”`)).join(', ')}`
  return null
}

/** URL paths of the single HTTP server. */
export const Paths = Object.freeze({
  sync: '/sync',
  api: '/api',
  document: '/d',
  health: '/healthz',
  metrics: '/metrics'
})

/** Roles a sign-in token can carry. Observers read only. */
export const ROLES = Object.freeze(['secretariat', 'chair', 'delegation', 'observer'] as const)

/** One of ROLES. */
export type Role = (typeof ROLES)[number]

/** Whether a role may change the podium version. */
export function canEdit(role: Role): boolean {
  return role !== 'observer'
}

/** Whether a role may state positions for any delegation (they type what delegates say from the floor). */
export function speaksForAnyDelegation(role: Role): boolean {
  return role === 'secretariat' || role === 'chair'
}
