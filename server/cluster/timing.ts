// The cluster's timings, named once. A holder killed with SIGKILL is replaced within
// LEASE_TTL_MS + TICK_MS (1.1 s); see docs/cluster.md. A holder whose loop is blocked longer than
// LEASE_TTL_MS - RENEW_MS (0.7 s) may lose the lease: correct (fencing), it only costs a re-acquire.

/** How long a document's lease lasts unless renewed, in ms. */
export const LEASE_TTL_MS = 1000

/** How often a holder renews its leases and announces itself on the document's channel, in ms. */
export const RENEW_MS = 300

/** How often each server looks after its documents (renewals, silent holders, resends), in ms. */
export const TICK_MS = 100

/** A replica that has not heard its holder for this long checks the lease in storage, in ms. */
export const HOLDER_SILENCE_MS = 500

/**
 * The longest a holder judges waiting updates in one go before letting the loop renew leases, read
 * sockets and send, in ms (a backlog is judged in slices: see DocLink.drain). Well under the
 * 700 ms a holder's loop may be blocked without losing its lease; long enough that an ordinary
 * turn is never cut (20 ms slices cut the judging's share of a busy loop below the arrival rate:
 * one bench run fell seconds behind).
 */
export const JUDGE_SLICE_MS = 200

/** A forwarded update not acknowledged after this long is sent again, in ms (Yjs updates are idempotent). */
export const RESEND_MS = 1000

/** Forwarded updates a server keeps per document before refusing its peers' updates (1013). */
export const MAX_PENDING = 10_000
