// The server's daily COB job: the scheduler names the day, cob-job.ts lists the documents that
// changed, and each document's snapshot is taken in the work pool (worker threads over their own
// connection to the meeting's storage), one at a time. The sync loop only lists and hands out jobs:
// encoding a 50 MB document and writing its ~100 MB snapshot never holds up a live edit.

import { COB_JOB_TIMEOUT_MS, COB_RETRY_FIRST_MS, COB_RETRY_FOR_MS, COB_RETRY_MAX_DELAY_MS } from '../../shared/limits.ts'
import type { Logger } from '../logger.ts'
import type { Storage } from '../storage/types.ts'
import { WorkRefused, type WorkPool } from '../work/pool.ts'
import { runCob, type CobTaker } from './cob-job.ts'
import { startCobScheduler, type Clock } from './scheduler.ts'

/** The pool key of COB jobs: no token's, so a busy token never stands in their way, nor they in its. */
export const COB_WORK_KEY = 'server:cob'

/** How long a document's COB job is offered again while the pool is full (ms; see shared/limits.ts). */
export interface CobRetry {
  firstMs: number
  maxDelayMs: number
  forMs: number
}

/** Options of startServerCob. */
export interface ServerCobOptions {
  storage: Storage
  work: Pick<WorkPool, 'run'>
  /** Appends what a loaded room has accepted and not yet stored (Rooms.flush). */
  flush(doc: string): void
  log: Logger
  timeZone: string
  cobTime: string
  clock?: Clock
  retry?: Partial<CobRetry>
  /** A COB snapshot job's time limit in the pool (ms). */
  timeoutMs?: number
}

/** The running COB job. */
export interface ServerCob {
  /**
   * Stops the schedule and the run in progress before its next document (or its next offer to the
   * pool). Resolves when that run has ended: call it first when closing, close the pool (which
   * refuses the job in flight), then await it before closing storage.
   */
  stop(): Promise<void>
}

/** A document's COB job the work pool did not take within the retry bound (logged "COB snapshot not taken"). */
export class CobNotTaken extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'CobNotTaken'
  }
}

// A sleep that ends early, and quietly, when the server closes.
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    timer.unref()
    signal.addEventListener('abort', done, { once: true })
  })
}

/**
 * A COB taker over the work pool: `flush(doc)` first, then the `takeSnapshot` job under COB_WORK_KEY.
 *
 * The worker snapshots what is stored when it reads: every update the room accepted before the flush,
 * and any stored after it up to that read (the snapshot's `upto` names the last). An update a room
 * accepted after that and had not yet appended (rooms append once per turn, a few ms later) belongs
 * to the next snapshot. That is the right record: the COB snapshot is what was accepted and durable
 * at that moment, exactly as a snapshot taken on the loop after a flush would be.
 *
 * A job the pool will not take now (queue full, 503; the disk full, 503; 429 cannot happen under
 * its own key, one job at a time, but is treated alike) is offered again with a doubling delay until
 * `retry.forMs` has passed; then it rejects with CobNotTaken. A job that failed (500, a time
 * or memory limit) rejects at once: running it again would fail again.
 */
export function poolTaker(options: Pick<ServerCobOptions, 'work' | 'flush' | 'log' | 'retry' | 'timeoutMs'>, signal: AbortSignal): CobTaker {
  const retry: CobRetry = { firstMs: COB_RETRY_FIRST_MS, maxDelayMs: COB_RETRY_MAX_DELAY_MS, forMs: COB_RETRY_FOR_MS, ...options.retry }
  for (const [key, value] of Object.entries(retry)) {
    if (!(typeof value === 'number' && value > 0)) throw new RangeError(`COB retry ${key} ${JSON.stringify(value)} is not a positive number of ms`)
  }
  const timeoutMs = options.timeoutMs ?? COB_JOB_TIMEOUT_MS
  if (!(typeof timeoutMs === 'number' && timeoutMs > 0)) throw new RangeError(`COB job timeout ${JSON.stringify(timeoutMs)} is not a positive number of ms`)
  return async (doc, snapshot) => {
    const started = Date.now()
    let delay = retry.firstMs
    for (let attempt = 1; ; attempt++) {
      options.flush(doc)
      try {
        const reply = await options.work.run('takeSnapshot', { doc, ...snapshot }, COB_WORK_KEY, { timeoutMs })
        if (reply.status === 201) return true
        // 409: this day's is already there (another process); 404: the document is gone.
        if (reply.status === 409 || reply.status === 404) return false
        throw new Error((reply.json as { error?: string } | undefined)?.error ?? `the snapshot job answered ${reply.status}`)
      } catch (err) {
        const busy = err instanceof WorkRefused && err.retryAfterSeconds !== null
        if (!busy || signal.aborted) throw err
        if (Date.now() - started + delay > retry.forMs) {
          throw new CobNotTaken(`the work pool did not take this document's COB snapshot in ${Math.round((Date.now() - started) / 1000)} s (${attempt} tries; last: ${err.message})`)
        }
        options.log.warn({ doc, cobDate: snapshot.cobDate, attempt, retryInMs: delay, err: err.message }, 'COB snapshot waits: the work pool is full')
        await pause(delay, signal)
        if (signal.aborted) throw err
        delay = Math.min(delay * 2, retry.maxDelayMs)
      }
    }
  }
}

/**
 * Runs the COB job at every COB of the meeting's time zone until stopped. Runs never overlap: a COB
 * due while the previous run is still going waits for it. Nothing it does rejects: a document that
 * fails is logged ("COB snapshot failed for this document", or "not taken" when the pool never took
 * it), a run that fails as a whole is logged, and the server closing ends a run quietly.
 */
export function startServerCob(options: ServerCobOptions): ServerCob {
  const { storage, log } = options
  const abort = new AbortController()
  const take = poolTaker(options, abort.signal)
  let runs: Promise<void> = Promise.resolve()
  const runDay = async (date: string): Promise<void> => {
    if (abort.signal.aborted) return
    try {
      const taken = await runCob(storage, date, take, (doc, err) => {
        log.error({ doc, date, err: (err as Error).message }, err instanceof CobNotTaken ? 'COB snapshot not taken for this document: the work pool stayed full' : 'COB snapshot failed for this document')
      }, abort.signal)
      if (abort.signal.aborted) log.warn({ date, taken }, 'COB snapshots stopped: the server is closing')
      else log.info({ date, taken }, 'COB snapshots')
    } catch (err) {
      log.error({ date, err: (err as Error).stack }, 'COB snapshots failed')
    }
  }
  const scheduler = startCobScheduler({
    timeZone: options.timeZone,
    cobTime: options.cobTime,
    clock: options.clock,
    onCob: (date) => {
      runs = runs.then(() => runDay(date))
    },
    onError: (err) => log.error({ err: (err as Error).stack }, 'COB snapshots failed')
  })
  return {
    stop() {
      scheduler.stop()
      abort.abort()
      return runs
    }
  }
}
