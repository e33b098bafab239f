import type { Role } from '../../shared/protocol.ts'
import type { RosterEntry } from '../../shared/roster.ts'

/** What the server says about the signed-in person (`GET /api/me`). */
export interface Me {
  role: Role
  delegation: string | null
  label: string | null
  meeting: { name: string; dates: string; timeZone: string; cobTime: string }
  roster: RosterEntry[]
}

/** One document of the meeting (`GET /api/docs`). */
export interface DocSummary {
  name: string
  title: string
  paragraphs: number
  open: number
  brackets: number
  lastChange: string | null
  /** When the document was created; tells a re-created document of the same name from the old one. */
  createdAt?: string
  connected: { role: Role; delegation: string | null }[]
}

/** A sign-in token as the secretariat lists it (`GET /api/tokens`); never the secret itself. */
export interface TokenInfo {
  id: string
  role: Role
  delegation: string | null
  label: string | null
  createdAt: string
  revoked: boolean
}

/** A token just issued (`POST /api/tokens`): the only time the secret and link are shown. */
export interface IssuedToken {
  id: string
  token: string
  role: Role
  delegation: string | null
  link: string
}

/** A stored snapshot of a document (`GET /api/docs/<doc>/snapshots`), oldest first. */
export interface SnapshotInfo {
  id: number
  label: string
  createdAt: string
  /** The COB date this snapshot closes, when it is a COB snapshot. */
  cobDate: string | null
}
