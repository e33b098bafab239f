// How often a room sends what it accepted. A flush (one append, then one socket write per peer)
// costs about the same whatever the number of updates it carries. Flushing every event-loop turn
// under steady typing by 200 delegations meant ~180 flushes a second, 36,000 socket writes: most of
// the server's time, and the load balancer's. So a room waits, after a flush, a few times what that
// flush cost before the next: one flush then carries the updates of several turns, flushing takes at
// most a quarter of the room's time however fast updates arrive, and the wait follows the real cost
// (the peers, the storage's commit, a core shared with other processes). A room of few peers waits
// well under a millisecond, which is no wait at all (docs/benchmarks.md, "Paced flushes").

/** A room waits this many times its previous flush's cost after it (flushing ≤ 1/(1+3) of the time). */
export const PACED_FLUSH_FACTOR = 3

/** The longest a room ever waits to flush (ms). */
export const PACED_FLUSH_MAX_MS = 10

/**
 * How long (ms) a flush waits on the loop for its commit, when storage commits off the loop
 * (PostgreSQL): a commit answered within it is sent on at once, as if it had blocked; a slower one
 * (a lock held, a checkpoint) lets the loop go on and is sent when it comes back. Waiting on the
 * loop for an ordinary commit costs less than going back to the loop for it: in `bench:cluster` the
 * busy document's server used 10–17 % more CPU, and its writers' latency was higher, with no wait at all
 * (docs/benchmarks.md, *Appends off the loop*).
 */
export const COMMIT_WAIT_ON_LOOP_MS = 20

/**
 * How long (ms) a room waits, at `now`, before sending what it accepted, when its previous flush
 * ended at `lastFlushAt` and took `lastFlushCost` ms (all from `performance.now()`): what is left
 * of `PACED_FLUSH_FACTOR × lastFlushCost` (at most PACED_FLUSH_MAX_MS) since that flush; 0 once passed.
 */
export function flushDelay(lastFlushAt: number, lastFlushCost: number, now: number): number {
  if (!Number.isFinite(lastFlushCost) || lastFlushCost < 0) throw new RangeError(`flush cost ${lastFlushCost} ms is not a duration`)
  const wait = Math.min(PACED_FLUSH_MAX_MS, PACED_FLUSH_FACTOR * lastFlushCost)
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
