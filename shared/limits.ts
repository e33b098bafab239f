// Bounds shared by the browser client and the server, named once.

/** Largest awareness (presence) state of one client, as JSON, in bytes; larger entries are dropped by the server. */
export const AWARENESS_MAX_BYTES = 4 * 1024

/** Awareness updates one connection may send per second, sustained (the editor sends a few per keystroke burst). */
export const AWARENESS_PER_SECOND = 20

/** Burst of awareness updates one connection may send. */
export const AWARENESS_BURST = 50

/** Largest websocket frame the server accepts, in bytes (a larger one closes 1009); an update must fit in one. */
export const FRAME_MAX_BYTES = 1024 * 1024

/**
 * Most characters one local change may insert (a paste): Yjs writes text as UTF-8, up to 3 bytes a
 * character here, so a change this size still fits in one frame with room to spare.
 */
export const CHANGE_MAX_CHARS = 200_000

/**
 * Most bytes of edits an editor keeps unsent (offline) before it stops taking more: its backlog is
 * sent as one message when the link returns, and must fit in one frame.
 */
export const UNSENT_MAX_BYTES = 640 * 1024

/** Bytes one document may hold on the server (its stored state and log); an update past it is refused (rule `doc-size`, close 4409). */
export const DOC_MAX_BYTES = 64 * 1024 * 1024

/**
 * Update bytes per second the server takes from one sign-in (and into one document, for updates of
 * SMALL_UPDATE_BYTES or more), sustained; a faster writer is slowed (its socket not read), never refused.
 */
export const UPDATE_BYTES_PER_SECOND = 512 * 1024

/** Burst of update bytes per sign-in and per document (a large paste goes through at once). */
export const UPDATE_BYTES_BURST = 4 * 1024 * 1024

/**
 * Update bytes per second one sender may send across all its documents, sustained: a sender is a
 * delegation (every sign-in link it holds, together), or any other sign-in link on its own. A faster
 * sender is slowed (its sockets not read), never refused, whichever documents it spreads its changes over.
 */
export const SENDER_UPDATE_BYTES_PER_SECOND = 1024 * 1024

/** Burst of update bytes per sender, across its documents. */
export const SENDER_UPDATE_BYTES_BURST = 8 * 1024 * 1024

/**
 * Update bytes one sender may send per hour across all its documents (a budget of this size, refilled
 * at this rate): past it, its changes are refused in words (rule `update-volume`, close 4409) — a
 * meeting's editing is a few megabytes a day; this bounds how fast one delegation can fill the disk.
 */
export const SENDER_UPDATE_BYTES_PER_HOUR = 256 * 1024 * 1024

/** Updates under this many bytes (typing) never wait for a document's byte budget, only their own sign-in's. */
export const SMALL_UPDATE_BYTES = 16 * 1024

/**
 * How often a server re-reads the stored roster edits (another server of a cluster may have made
 * them), in ms; a change is then pushed to its connected pages (`MessageType.rosterRevision`).
 */
export const ROSTER_POLL_MS = 3000

/**
 * How often an open page asks for the roster (GET /api/roster) although nothing was pushed, in ms:
 * only a fallback (a push lost with a dropped link). Thousands of observers polling every few seconds
 * would be hundreds of requests a second on the server's loop.
 */
export const ROSTER_FALLBACK_POLL_MS = 60_000

/** Longest header a document keeps from its source (a Word header and version line, lines joined by "\n"), in characters. */
export const DOC_HEADER_MAX = 1000

/**
 * Largest piece of a snapshot's encodings SQLite writes in one transaction (server/storage/snapshot-parts.ts):
 * a snapshot whose two encodings together exceed it is written in pieces this size, so SQLite's write lock
 * is never held for more than one piece; smaller ones stay inline in their row.
 */
export const SNAPSHOT_PART_BYTES = 1024 * 1024

/**
 * A pieced snapshot write begun this long ago (ms) without its row is a leftover even if a process with
 * its writer's id still runs (a worker thread ended mid-write, or the id reused): its pieces are removed at open.
 */
export const SNAPSHOT_WRITE_STALE_MS = 60 * 60 * 1000

/**
 * The daily COB job's snapshots are taken in the server's work pool (server/snapshots/cob-server.ts).
 * A COB snapshot job may run this long (ms) before it is stopped: longer than an interactive job's
 * limit, since nobody waits on it and the secretariat's record must not be lost to a slow moment.
 */
export const COB_JOB_TIMEOUT_MS = 5 * 60_000

/**
 * When the work pool is full (its queue, or the disk), a document's COB job is offered again after
 * COB_RETRY_FIRST_MS, doubling up to COB_RETRY_MAX_DELAY_MS between offers, for at most
 * COB_RETRY_FOR_MS (ms) in all; after that the document's COB is logged as not taken.
 */
export const COB_RETRY_FIRST_MS = 1000
/** See COB_RETRY_FIRST_MS. */
export const COB_RETRY_MAX_DELAY_MS = 30_000
/** See COB_RETRY_FIRST_MS. */
export const COB_RETRY_FOR_MS = 15 * 60_000
