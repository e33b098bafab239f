// The roster as the secretariat edits it during the meeting: an open editor asks for it every few
// seconds (one small GET) and, when its revision moved, changes its roster array in place and redraws.

import { ROSTER_POLL_MS } from '../../shared/limits.ts'
import type { RosterEntry } from '../../shared/roster.ts'
import type { Api } from './api.ts'

/**
 * Keeps `roster` (the page's array, changed in place) in step with the server's; `changed` runs after
 * each change. A failed poll is tried again at the next one (the link indicator says when the server
 * is away). Returns a function that stops following.
 */
export function followRoster(api: Api, roster: RosterEntry[], changed: () => void): () => void {
  let revision: number | null = null
  let busy = false
  const poll = async () => {
    if (busy || document.hidden) return
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
  }
  void poll()
  const timer = setInterval(() => void poll(), ROSTER_POLL_MS)
  return () => clearInterval(timer)
}
