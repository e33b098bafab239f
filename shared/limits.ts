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
