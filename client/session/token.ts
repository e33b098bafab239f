// The sign-in: a link `/d/<doc>?token=…` carries the long-lived token. The token leaves the address
// bar at once (history.replaceState, before anything else runs) and is exchanged once for an
// httpOnly, SameSite=Strict cookie (POST /api/session): scripts never hold it again, and neither the
// history, the tab's storage nor a websocket URL ever contains it. The tab keeps only its session id
// (the token's public id, useless without the cookie) in sessionStorage and names it on every call.

const KEY = 'podium.session'
// Where clients before the session cookie kept the token itself: exchanged and removed.
const LEGACY_KEY = 'podium.token'

/** The header naming the tab's session on REST calls (server/http/session.ts). */
export const SESSION_HEADER = 'X-Podium-Session'

/** What capturing the sign-in found: the tab's session, and whether a link it came with was refused. */
export interface Captured {
  session: string | null
  /** The address held a token the server refused (unknown, revoked or expired). */
  refused: boolean
}

/**
 * Exchanges a sign-in token for the session cookie. Resolves with the session id, or null when
 * the server refuses the token; rejects when the server cannot be reached.
 */
export async function exchangeToken(token: string, base = ''): Promise<string | null> {
  const res = await fetch(`${base}/api/session`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token })
  })
  if (!res.ok) return null
  const { session } = (await res.json()) as { session?: unknown }
  return typeof session === 'string' ? session : null
}

/**
 * Takes a `token` query parameter out of the current address (history.replaceState, no reload),
 * exchanges it for the session cookie and keeps the session id for this tab.
 */
export async function captureSession(): Promise<Captured> {
  const url = new URL(window.location.href)
  const fromLink = url.searchParams.get('token')
  let refused = false
  if (fromLink) {
    url.searchParams.delete('token')
    history.replaceState(history.state, '', url.pathname + url.search + url.hash)
    const session = await exchangeToken(fromLink)
    if (session) sessionStorage.setItem(KEY, session)
    else refused = true
  }
  const legacy = sessionStorage.getItem(LEGACY_KEY)
  if (legacy) {
    sessionStorage.removeItem(LEGACY_KEY)
    if (!sessionStorage.getItem(KEY)) {
      const session = await exchangeToken(legacy).catch(() => null)
      if (session) sessionStorage.setItem(KEY, session)
    }
  }
  return { session: refused ? null : sessionStorage.getItem(KEY), refused }
}

/** Forgets the tab's session and asks the server to drop its cookie (sign out). */
export function forgetSession(): void {
  const session = sessionStorage.getItem(KEY)
  sessionStorage.removeItem(KEY)
  if (session) void fetch('/api/session', { method: 'DELETE', credentials: 'same-origin', headers: { [SESSION_HEADER]: session } }).catch(() => {})
}

/**
 * Reads a token out of whatever a person pastes: a whole sign-in link or the bare token.
 * Returns null for an empty string.
 */
export function tokenFromPaste(text: string): { token: string; path: string | null } | null {
  const t = text.trim()
  if (!t) return null
  try {
    const url = new URL(t, window.location.origin)
    const token = url.searchParams.get('token')
    if (token) return { token, path: url.pathname }
  } catch {
    // not a link: a bare token
  }
  return { token: t, path: null }
}

/** Signs this tab in with a pasted token; false when the server refuses it. */
export async function signInWith(token: string): Promise<boolean> {
  const session = await exchangeToken(token)
  if (!session) return false
  sessionStorage.setItem(KEY, session)
  return true
}
