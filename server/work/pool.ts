// Heavy work off the sync loop: a small pool of worker threads (worker.ts) with a bounded queue,
// a bound per token, a time limit and a memory limit per job. The event loop that applies, stores
// and relays every keystroke only posts a job and sends its answer.

import { Worker } from 'node:worker_threads'
import type { Reply } from '../http/respond.ts'
import type { Logger } from '../logger.ts'
import type { JobArgs, JobKind } from './jobs.ts'
import type { JobAnswer } from './worker.ts'
import type { StorageSpec } from '../storage/open.ts'

/** Bounds of the pool; every value is a positive number. */
export interface PoolOptions {
  /** The meeting's storage (a data directory or PostgreSQL): each worker opens its own connection. */
  storage?: StorageSpec
  /** Shorthand for `storage: { dataDir }` (an embedded meeting); one of the two is required. */
  dataDir?: string
  log: Logger
  /** Worker threads at most (jobs running at once). */
  workers: number
  /** Jobs waiting for a worker at most; more are refused 503. */
  queue: number
  /** Jobs running or waiting per token at most; more are refused 429. */
  perToken: number
  /** PDF exports (each starts a Chromium) running at once at most. */
  pdfAtOnce: number
  /** A job running longer is stopped (its worker terminated) and answered 503. */
  timeoutMs: number
  /** A job whose worker needs more JavaScript heap is stopped and answered 503. */
  memoryMb: number
  /** An idle worker is ended after this long. */
  idleMs?: number
}

/** A job the pool would not take (429: this token has enough running; 503: the server is busy) or could not finish. */
export class WorkRefused extends Error {
  constructor (readonly status: 429 | 500 | 503, message: string, readonly retryAfterSeconds: number | null = null) {
    super(message)
    this.name = 'WorkRefused'
  }

  /** The HTTP answer for it. */
  reply(): Reply {
    return { status: this.status, json: { error: this.message }, headers: this.retryAfterSeconds ? { 'retry-after': String(this.retryAfterSeconds) } : undefined }
  }
}

interface Job {
  id: number
  kind: JobKind
  args: unknown
  key: string
  pdf: boolean
  timeoutMs: number
  resolve(reply: Reply): void
  reject(err: Error): void
}

interface Slot {
  worker: Worker
  job: Job | null
  timer: NodeJS.Timeout | null
  idle: NodeJS.Timeout | null
}

const ENTRY = new URL('./entry.mjs', import.meta.url)
let nextJobId = 1

/** The pool. `run` resolves with the job's Reply, or rejects with WorkRefused. */
export class WorkPool {
  private readonly slots = new Set<Slot>()
  private readonly waiting: Job[] = []
  private readonly perKey = new Map<string, number>()
  private closed = false

  private readonly spec: StorageSpec

  /** A pool over `options.storage` (or `options.dataDir`); throws RangeError when neither is given. */
  constructor (private readonly options: PoolOptions) {
    const spec = options.storage ?? (options.dataDir !== undefined ? { dataDir: options.dataDir } : undefined)
    if (!spec) throw new RangeError('a work pool needs storage (a data directory or a PostgreSQL URL)')
    this.spec = spec
  }

  /** Jobs running now. */
  get running(): number {
    let n = 0
    for (const s of this.slots) if (s.job) n++
    return n
  }

  /** Jobs waiting for a worker. */
  get queued(): number {
    return this.waiting.length
  }

  /**
   * Runs job `kind` for `key` (a token id). Refused at once, without queueing, when `key` already
   * has `perToken` jobs (429) or the queue is full (503).
   */
  run<K extends JobKind>(kind: K, args: JobArgs[K], key: string, options: { timeoutMs?: number } = {}): Promise<Reply> {
    const o = this.options
    if (this.closed) return Promise.reject(new WorkRefused(503, 'the server is shutting down'))
    const mine = this.perKey.get(key) ?? 0
    if (mine >= o.perToken) {
      return Promise.reject(new WorkRefused(429, `you already have ${mine} exports, comparisons or imports in progress; wait for them to finish`, 2))
    }
    // Printing a PDF starts a browser: at most pdfAtOnce of them, exports and redlines together.
    const pdf = (kind === 'export' || kind === 'compare') && (args as JobArgs['export' | 'compare']).format === 'pdf'
    const free = this.running < o.workers && (!pdf || this.pdfRunning() < o.pdfAtOnce)
    if (!free && this.waiting.length >= o.queue) {
      return Promise.reject(new WorkRefused(503, 'the server is busy with other exports and comparisons; try again in a few seconds', 5))
    }
    this.perKey.set(key, mine + 1)
    return new Promise<Reply>((resolve, reject) => {
      const done = () => {
        const n = (this.perKey.get(key) ?? 1) - 1
        if (n <= 0) this.perKey.delete(key)
        else this.perKey.set(key, n)
      }
      this.waiting.push({
        id: nextJobId++, kind, args, key, pdf,
        timeoutMs: options.timeoutMs ?? o.timeoutMs,
        resolve: (r) => { done(); resolve(r) },
        reject: (e) => { done(); reject(e) }
      })
      this.dispatch()
    })
  }

  private pdfRunning(): number {
    let n = 0
    for (const s of this.slots) if (s.job?.pdf) n++
    return n
  }

  // Starts every waiting job that may run now, oldest first (a PDF waits for a PDF slot; others pass it).
  private dispatch(): void {
    while (this.waiting.length > 0 && this.running < this.options.workers) {
      const pdfFull = this.pdfRunning() >= this.options.pdfAtOnce
      const index = this.waiting.findIndex((j) => !j.pdf || !pdfFull)
      if (index < 0) return
      const job = this.waiting.splice(index, 1)[0]
      this.start(this.idleSlot() ?? this.spawn(), job)
    }
  }

  private idleSlot(): Slot | null {
    for (const s of this.slots) if (!s.job) return s
    return null
  }

  private spawn(): Slot {
    const worker = new Worker(ENTRY, {
      workerData: { storage: this.spec },
      resourceLimits: { maxOldGenerationSizeMb: this.options.memoryMb, maxYoungGenerationSizeMb: Math.min(64, Math.max(8, this.options.memoryMb / 8)) },
      stdout: false,
      stderr: false
    })
    const slot: Slot = { worker, job: null, timer: null, idle: null }
    this.slots.add(slot)
    worker.on('message', (m: JobAnswer | { ready: true }) => {
      if (!('id' in m) || !slot.job || slot.job.id !== m.id) return
      const job = slot.job
      this.finish(slot)
      if (m.ok) {
        const reply = m.reply
        // Bytes arrive as a Uint8Array (structured clone); the reply sends a Buffer.
        if (reply.bytes) reply.bytes = Buffer.from(reply.bytes.buffer, reply.bytes.byteOffset, reply.bytes.byteLength)
        job.resolve(reply)
      } else if (m.code === 'SQLITE_FULL' || m.code === 'ENOSPC') {
        // A snapshot that could not be written: said as it is (the sync side reports the disk on /healthz).
        this.options.log.error({ kind: job.kind, err: m.message }, 'job failed: disk full')
        job.reject(new WorkRefused(503, 'the server\'s disk is full; nothing was written — try again when space is freed', 30))
      } else {
        this.options.log.error({ kind: job.kind, err: m.stack ?? m.message }, 'job failed')
        job.reject(new WorkRefused(500, 'internal error'))
      }
      this.dispatch()
    })
    worker.on('error', (err) => {
      const job = slot.job
      if (!job) return
      const oom = (err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY'
      this.options.log.warn({ kind: job.kind, err: err.message }, oom ? 'job stopped: over its memory limit' : 'job worker failed')
      job.reject(oom
        ? new WorkRefused(503, `this ${job.kind === 'preview' ? 'import' : job.kind} needed more than the ${this.options.memoryMb} MB a job may use, and was stopped`)
        : new WorkRefused(500, 'internal error'))
      slot.job = null
    })
    worker.on('exit', () => {
      this.discard(slot)
      const job = slot.job
      if (job) {
        slot.job = null
        job.reject(new WorkRefused(500, 'internal error'))
      }
      this.dispatch()
    })
    worker.unref()
    return slot
  }

  private start(slot: Slot, job: Job): void {
    if (slot.idle) clearTimeout(slot.idle)
    slot.idle = null
    slot.job = job
    slot.timer = setTimeout(() => {
      if (slot.job !== job) return
      this.options.log.warn({ kind: job.kind, ms: job.timeoutMs }, 'job stopped: over its time limit')
      slot.job = null
      this.discard(slot)
      void slot.worker.terminate()
      job.reject(new WorkRefused(503, `this ${job.kind === 'preview' ? 'import' : job.kind} took longer than ${Math.round(job.timeoutMs / 1000)} s and was stopped`))
      this.dispatch()
    }, job.timeoutMs)
    slot.timer.unref()
    slot.worker.postMessage({ id: job.id, kind: job.kind, args: job.args })
  }

  private finish(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer)
    slot.timer = null
    slot.job = null
    slot.idle = setTimeout(() => {
      if (slot.job) return
      this.discard(slot)
      void slot.worker.terminate()
    }, this.options.idleMs ?? 60_000)
    slot.idle.unref()
  }

  private discard(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer)
    if (slot.idle) clearTimeout(slot.idle)
    slot.timer = slot.idle = null
    this.slots.delete(slot)
  }

  /** Refuses what waits, stops every worker. */
  async close(): Promise<void> {
    this.closed = true
    for (const job of this.waiting.splice(0)) job.reject(new WorkRefused(503, 'the server is shutting down'))
    await Promise.all([...this.slots].map((s) => {
      this.discard(s)
      const job = s.job
      s.job = null
      job?.reject(new WorkRefused(503, 'the server is shutting down'))
      return s.worker.terminate()
    }))
  }
}
