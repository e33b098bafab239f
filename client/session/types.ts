import type { Role } from '../../shared/protocol.ts'
import type { RosterEntry } from '../../shared/roster.ts'
import type { Visibility } from '../../shared/visibility.ts'
import type { Comparison, SnapshotMeta } from '../../shared/history/types.ts'

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
  /** Bytes stored for the document (its compacted state and log). */
  bytes?: number
  /** Bytes a document may hold; updates past it are refused. */
  maxBytes?: number
  /** Who may open it (the secretariat sets it from the meeting home). */
  visibility?: Visibility
  /** When the secretariat archived it (read only for everyone), or null. */
  archivedAt?: string | null
  /** The draft's header and version line as imported ("Version 14/11/2024 13:00"), lines joined by a line break. */
  header?: string | null
}

/** The roster as it is now (`GET /api/roster`); `revision` grows with every change. */
export interface RosterInfo {
  revision: number
  roster: RosterEntry[]
}

/** A sign-in token as the secretariat lists it (`GET /api/tokens`); never the secret itself. */
export interface TokenInfo {
  id: string
  role: Role
  delegation: string | null
  label: string | null
  /** The one document it may open, or null: meeting-wide. */
  doc: string | null
  createdAt: string
  /** When it expires (ISO), or null: never. */
  expiresAt: string | null
  revoked: boolean
  /** Whether it is the link this tab is signed in with. */
  you?: boolean
}

/** A token just issued (`POST /api/tokens`): the only time the secret and link are shown. */
export interface IssuedToken {
  id: string
  token: string
  role: Role
  delegation: string | null
  doc: string | null
  expiresAt: string | null
  link: string
}

/** A stored snapshot of a document (`GET /api/docs/<doc>/snapshots`), with the name people read for who took it. */
export type SnapshotInfo = SnapshotMeta & { takenByName?: string }

/** A snapshot with its document (`GET /api/docs/<doc>/snapshots/<id>?format=json`): ProseMirror JSON of the podium schema. */
export type SnapshotWithDoc = Omit<SnapshotInfo, 'doc'> & { doc: Record<string, unknown> }

/** A comparison (`GET /api/docs/<doc>/compare?format=json`): both ends, the redline, the changes by paragraph, counts per identity. */
export interface ComparisonInfo extends Comparison {
  from: SnapshotInfo
  to: SnapshotInfo | 'live'
}

/** What an import would bring in (`POST /api/import/preview`); nothing is written. */
export interface ImportPreview {
  kind: string
  title: string | null
  /** The recognised podium text (shown; written only when the server sent no `doc`). */
  text: string
  /** The document as the server read it (ProseMirror JSON): what is written on confirmation. */
  doc?: unknown
  warnings: { line: number | null; column: number | null; paragraph: number | null; message: string }[]
  summary: { paragraphs: number; headings: number; brackets: number; positions: number; notes: number }
  /** For a Word document: its header lines (the version line among them). */
  metadata?: { header: string[]; version: string | null } | null
}

/** The header lines an import preview read, as the document keeps them (joined by a line break), or undefined. */
export function previewHeader(p: ImportPreview): string | undefined {
  return p.metadata?.header.length ? p.metadata.header.join('\n') : undefined
}

/** Where an import comes from: pasted podium text, or a file's bytes. */
export type ImportSource = { filename: string; text: string } | { filename: string; data: Uint8Array }
