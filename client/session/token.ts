// The sign-in token: arrives in the link (`/d/<doc>?token=…`), lives in sessionStorage for this tab
// only, and leaves the address bar at once so it is not bookmarked, shared or shown on a projector.

const KEY = 'podium.token'

/**
 * Takes a `token` query parameter out of the current address (history.replaceState, no reload) and
 * keeps it in sessionStorage. Returns the tab's token afterwards, or null when it has none.
 */
export function captureToken(): string | null {
  const url = new URL(window.location.href)
  const fromLink = url.searchParams.get('token')
  if (fromLink) {
    sessionStorage.setItem(KEY, fromLink)
    url.searchParams.delete('token')
    history.replaceState(history.state, '', url.pathname + url.search + url.hash)
  }
  return sessionStorage.getItem(KEY)
}

/** Forgets the tab's token (sign out). */
export function forgetToken(): void {
  sessionStorage.removeItem(KEY)
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

/** Stores a token for this tab (used after pasting a link on the home page). */
export function rememberToken(token: string): void {
  sessionStorage.setItem(KEY, token)
}
