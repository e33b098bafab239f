// What REST handlers see: the request, its authenticated principal, and the server's parts.

import type { MeetingConfig } from '../config.ts'
import type { Storage } from '../storage/types.ts'
import type { Hub } from '../sync/hub.ts'
import type { Principal } from '../tokens.ts'
import type { Role } from '../../shared/protocol.ts'
import type { Reply } from './respond.ts'
import type { WorkPool } from '../work/pool.ts'
import type { DocList } from './doc-list.ts'
import type { LiveRoster } from '../roster.ts'

/** The server parts REST handlers use. */
export interface ApiDeps {
  storage: Storage
  /** The meeting; its `roster` is the live roster's array (see `roster`). */
  meeting: MeetingConfig
  /** The roster as the secretariat edits it from the meeting home. */
  roster: LiveRoster
  hub: Hub
  /** The document sign-in links point to when a request names none. */
  defaultDoc: string
  /** Worker threads for heavy work (exports, comparisons, snapshots, import previews, texts). */
  work: WorkPool
  /** The document list's counts and sizes, computed off the event loop and cached by document head. */
  docList: DocList
  /** Stored bytes a document may hold (shown on the meeting home). */
  docMaxBytes: number
  /** How long a heavy job may run, in ms. */
  workTimeoutMs: number
}

/** One authenticated API request. */
export interface ApiRequest {
  principal: Principal
  /** The path's captured groups (decoded). */
  params: string[]
  /** The parsed JSON body, or undefined; for a `rawBody` route, the body's bytes (a Buffer). */
  body: unknown
  url: URL
}

/** One REST route: method, path pattern (matched against the path after /api), roles allowed, handler. */
export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  pattern: RegExp
  roles: readonly Role[] | 'any'
  /** A larger body limit for this route (an uploaded file), in bytes; default the server's maxBodyBytes. */
  maxBodyBytes?: number
  /**
   * The body is handed to the handler as bytes, not parsed on the loop: a route taking a file of
   * megabytes (base64 in JSON) has its worker parse it (JSON.parse of 27 MB held the loop 100–300 ms).
   */
  rawBody?: boolean
  /** The route changes a document's text (restore, replace): refused while the document is archived. */
  writesText?: boolean
  handle(req: ApiRequest, deps: ApiDeps): Reply | Promise<Reply>
}
