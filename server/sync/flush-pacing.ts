// How often a room sends what it accepted. A flush costs one socket write per peer (~10 µs on
// loopback, more once a load balancer sits on the same machine), whatever the number of updates
// it carries. Flushing every event-loop turn under steady typing by 200 delegations meant ~180
// flushes a second, 36,000 writes: most of the server's time, and the balancer's. Waiting a little
// after the previous flush lets one flush carry the updates of several turns (one append, one
// message per peer), so fan-out work stays bounded however fast updates arrive, at the price of at
// most that wait (docs/benchmarks.md, "Cluster: paced flushes").

/** A room with fewer peers flushes every turn (a flush is cheap; nothing waits). */
export const PACED_FLUSH_PEERS = 32

/** The wait per peer since the previous flush (ms): 200 peers wait at most 8 ms. */
export const PACED_FLUSH_MS_PER_PEER = 0.04

/** The longest a room ever waits to flush (ms), however many peers it has. */
export const PACED_FLUSH_MAX_MS = 10

/**
 * How long (ms) a room of `peers` peers whose previous flush ended at `lastFlushAt` waits, at time
 * `now` (both `performance.now()`), before sending what it accepted: 0 (flush this turn) under
 * PACED_FLUSH_PEERS peers or once the room's wait has passed; otherwise what is left of
 * `peers × PACED_FLUSH_MS_PER_PEER`, at most PACED_FLUSH_MAX_MS.
 */
export function flushDelay(peers: number, lastFlushAt: number, now: number): number {
  if (!Number.isFinite(peers) || peers < 0) throw new RangeError(`peers ${peers} is not a count`)
  if (peers < PACED_FLUSH_PEERS) return 0
  const wait = Math.min(PACED_FLUSH_MAX_MS, peers * PACED_FLUSH_MS_PER_PEER)
  return Math.max(0, Math.min(wait, lastFlushAt + wait - now))
}

/**
 * Runs `run` after `delay` ms, or at the end of this turn (setImmediate) when under 1 ms: timers
 * do not fire sooner than 1 ms, and a turn's updates are always sent together.
 */
export function schedule(delay: number, run: () => void): void {
  if (delay >= 1) setTimeout(run, delay)
  else setImmediate(run)
}
