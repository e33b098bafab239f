// Bounds shared by the browser client and the server, named once.

/** Largest awareness (presence) state of one client, as JSON, in bytes; larger entries are dropped by the server. */
export const AWARENESS_MAX_BYTES = 4 * 1024

/** Awareness updates one connection may send per second, sustained (the editor sends a few per keystroke burst). */
export const AWARENESS_PER_SECOND = 20

/** Burst of awareness updates one connection may send. */
export const AWARENESS_BURST = 50
