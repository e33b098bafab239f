// Who may reach a document over REST: its visibility against the caller's role, and whether a route
// that changes the text may run on it (not while archived). Checked once, in api.ts, for every route
// under /docs/<name>, so a new route cannot forget it.

import { canSee } from '../../shared/visibility.ts'
import type { Principal } from '../tokens.ts'
import type { DocRecord } from '../storage/types.ts'
import { error, type Reply } from './respond.ts'

/** The answer for a document that does not exist, and for one the caller may not know exists. */
export function noSuchDoc(name: string): Reply {
  return error(404, `no document named ${name}`)
}

/**
 * Why `principal` may not reach document `record` (named `name`), as the reply to send; null when it
 * may. A secretariat-only document is answered exactly as a missing one (404) to delegations and
 * observers, so its name leaks to nobody; a delegations-only one is refused to observers in words
 * (403). A missing document is left to the route (null), which answers 404 itself.
 */
export function docAccessRefusal(principal: Principal, name: string, record: DocRecord | null): Reply | null {
  if (!record || canSee(principal.role, record.visibility)) return null
  if (record.visibility === 'secretariat') return noSuchDoc(name)
  return error(403, `${name} is not released to observers yet: the secretariat has opened it to delegations only`)
}

/** Why a route that changes the text may not run on `record`, or null: an archived document is read only. */
export function archivedRefusal(name: string, record: DocRecord | null): Reply | null {
  if (!record?.archivedAt) return null
  return error(409, `${name} is archived and read only: the secretariat unarchives it from the meeting home before it can change`)
}
