// The cluster's timings, named once. A holder killed with SIGKILL is replaced within
// LEASE_TTL_MS + TICK_MS (under 2 s); see docs/cluster.md.

/** How long a document's lease lasts unless renewed, in ms. */
export const LEASE_TTL_MS = 1500

/** How often a holder renews its leases and announces itself on the document's channel, in ms. */
export const RENEW_MS = 500

/** How often each server looks after its documents (renewals, silent holders, resends), in ms. */
export const TICK_MS = 100

/** A replica that has not heard its holder for this long checks the lease in storage, in ms. */
export const HOLDER_SILENCE_MS = 700

/** A forwarded update not acknowledged after this long is sent again, in ms (Yjs updates are idempotent). */
export const RESEND_MS = 1000

/** How long a holder keeps a forwarded sender's principal before checking its token again, in ms. */
export const PRINCIPAL_CACHE_MS = 1000

/** Forwarded updates a server keeps per document before refusing its peers' updates (1013). */
export const MAX_PENDING = 10_000
