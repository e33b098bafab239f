import { nextCob } from './cob.ts'

/** The clock the scheduler runs on; tests pass a fake one. */
export interface Clock {
  now(): number
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** The real clock. Timers are unref'd so a pending COB never keeps the process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms)
    t.unref?.()
    return t
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout)
}

/** Options of startCobScheduler. */
export interface CobSchedulerOptions {
  timeZone: string
  cobTime: string
  clock?: Clock
  /**
   * Called at each COB with the local date (`YYYY-MM-DD`) and the instant. Errors are passed to
   * onError: one it throws, and a rejection of a promise it returns (not awaited: the schedule goes on).
   */
  onCob(date: string, at: number): unknown
  onError?(err: unknown): void
}

// Timers are capped so a long sleep (or a laptop lid) re-checks the clock instead of trusting one big delay.
const MAX_SLEEP = 15 * 60_000

/** Runs `onCob` at every COB in the meeting's time zone until stopped. Returns `stop`. */
export function startCobScheduler(options: CobSchedulerOptions): { stop(): void } {
  const clock = options.clock ?? systemClock
  let handle: unknown = null
  let stopped = false
  let target = nextCob(clock.now(), options.cobTime, options.timeZone)
  const arm = () => {
    if (stopped) return
    const wait = Math.max(0, Math.min(target.at - clock.now(), MAX_SLEEP))
    handle = clock.setTimeout(tick, wait)
  }
  const tick = () => {
    if (stopped) return
    if (clock.now() >= target.at) {
      const due = target
      target = nextCob(due.at, options.cobTime, options.timeZone)
      try {
        const result = options.onCob(due.date, due.at)
        if (result instanceof Promise) result.then(undefined, (err: unknown) => options.onError?.(err))
      } catch (err) {
        options.onError?.(err)
      }
    }
    arm()
  }
  arm()
  return {
    stop() {
      stopped = true
      if (handle !== null) clock.clearTimeout(handle)
    }
  }
}
