// The roster as the secretariat edits it during the meeting: the server pushes its revision over the
// document's socket when it changes, and an open page then asks for it (one small GET) and, when it
// moved, changes its roster array in place and redraws. A slow poll covers a push lost with a link.

import { ROSTER_FALLBACK_POLL_MS } from '../../shared/limits.ts'
import type { RosterEntry } from '../../shared/roster.ts'
import type { Api } from './api.ts'

/** Following the roster: `pushed` is called with a revision the server announced; `stop` ends it. */
export interface RosterFollower {
  pushed(revision: number): void
  stop(): void
}

/**
 * Keeps `roster` (the page's array, changed in place) in step with the server's; `changed` runs after
 * each change. It asks when the server pushes a revision it has not seen, and every
 * ROSTER_FALLBACK_POLL_MS. A failed request is tried again at the next push or poll (the link
 * indicator says when the server is away).
 */
export function followRoster(api: Api, roster: RosterEntry[], changed: () => void): RosterFollower {
  let revision: number | null = null
  let busy = false
  let again = false
  const poll = async (): Promise<void> => {
    if (busy) { again = true; return }
    busy = true
    try {
      const r = await api.roster()
      const same = JSON.stringify(r.roster) === JSON.stringify(roster)
      if (revision !== r.revision && !same) {
        roster.splice(0, roster.length, ...r.roster)
        changed()
      }
      revision = r.revision
    } catch {
      // the next poll tries again
    } finally {
      busy = false
    }
    // A push that came while asking may name a newer revision than the answer had.
    if (again) { again = false; await poll() }
  }
  void poll()
  const timer = setInterval(() => { if (!document.hidden) void poll() }, ROSTER_FALLBACK_POLL_MS)
  return {
    pushed(pushedRevision) { if (pushedRevision !== revision) void poll() },
    stop() { clearInterval(timer) }
  }
}
