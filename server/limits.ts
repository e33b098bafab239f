// Limits the server enforces (sizes, rates, timeouts, the socket budget) and token buckets keyed by
// remote address (before authentication), by token or by document.

import { readFileSync } from 'node:fs'
import { DOC_MAX_BYTES, FRAME_MAX_BYTES, SENDER_UPDATE_BYTES_BURST, SENDER_UPDATE_BYTES_PER_HOUR, SENDER_UPDATE_BYTES_PER_SECOND, UPDATE_BYTES_BURST, UPDATE_BYTES_PER_SECOND } from '../shared/limits.ts'

/** Limits the server enforces; every value is a positive number. */
export interface Limits {
  /** Largest websocket frame accepted, in bytes (larger ones close 1009). */
  maxFrameBytes: number
  /** Upgrade attempts allowed per remote address per second (sustained), before authentication. */
  upgradesPerSecond: number
  /** Burst of upgrade attempts per remote address. */
  upgradeBurst: number
  /** Open connections allowed per token. */
  connectionsPerToken: number
  /** Messages allowed per token per second (sustained). */
  messagesPerSecond: number
  /** Burst of messages per token. */
  messageBurst: number
  /** A connection whose unsent data exceeds this many bytes is closed (1013). */
  maxBufferedBytes: number
  /** Largest REST request body, in bytes. */
  maxBodyBytes: number
  /**
   * Refused updates one token may cause per minute (sustained, and as a burst) before its connections
   * are turned away for a minute: undoing a refused update reloads the document from storage.
   */
  refusalsPerMinute: number
  /** Worker threads for heavy work (exports, comparisons, snapshots, imports, the document list). */
  workers: number
  /** Heavy jobs waiting for a worker at most; more are answered 503. */
  workQueue: number
  /** Heavy jobs running or waiting per token at most; more are answered 429. */
  workPerToken: number
  /** PDF exports (a Chromium each) at once. */
  pdfAtOnce: number
  /** A heavy job running longer is stopped and answered 503, in ms. */
  workTimeoutMs: number
  /** JavaScript heap one heavy job may use, in MB. */
  workMemoryMb: number
  /** Bytes one document may hold in storage (compacted state and log); updates past it are refused. */
  docMaxBytes: number
  /** Update bytes one document may take per second, sustained; a faster writer is slowed (its socket not read). */
  docBytesPerSecond: number
  /** Burst of update bytes per document. */
  docBytesBurst: number
  /** Update bytes one sender (a delegation, or another sign-in link) may send per second across documents; faster is slowed. */
  senderBytesPerSecond: number
  /** Burst of update bytes per sender. */
  senderBytesBurst: number
  /** Update bytes one sender may send per hour across documents; past it, its changes are refused in words. */
  senderBytesPerHour: number
  /** A connection that has not sent a complete request (or upgrade) this long after opening is closed, in ms. */
  firstRequestMs: number
  /** A request whose headers take longer is answered 408 and closed, in ms. */
  headersTimeoutMs: number
  /** A request (body included) that takes longer is closed, in ms. */
  requestTimeoutMs: number
  /** Websockets are pinged this often; one that has not answered the previous ping is cut off, in ms. */
  pingIntervalMs: number
  /**
   * Open sockets allowed, HTTP and websocket together; default from the process's descriptor limit
   * (RLIMIT_NOFILE) minus headroom for the database, workers and Chromium. Past it, connections
   * that have not yet sent a request are shed oldest first and new websockets must have a valid
   * token; `/healthz` and the secretariat's and chair's requests always get in (see sockets.ts).
   */
  maxSockets: number
}

/** Descriptors kept back from the socket budget: SQLite (database, WAL, shared memory), workers, Chromium, files served. */
export const DESCRIPTOR_HEADROOM = 128

/** Defaults sized for a meeting room: a few hundred people, typing. */
export const DEFAULT_LIMITS: Limits = Object.freeze({
  maxFrameBytes: FRAME_MAX_BYTES,
  // A whole venue may share one address behind NAT and reconnect at once when the Wi-Fi drops.
  upgradesPerSecond: 50,
  upgradeBurst: 300,
  connectionsPerToken: 16,
  messagesPerSecond: 200,
  messageBurst: 1000,
  maxBufferedBytes: 8 * 1024 * 1024,
  maxBodyBytes: 4 * 1024 * 1024,
  // An honest editor meets a refusal only in a rare conflict; a forger meets ten and waits.
  refusalsPerMinute: 10,
  workers: 2,
  workQueue: 16,
  workPerToken: 2,
  pdfAtOnce: 1,
  workTimeoutMs: 60_000,
  workMemoryMb: 512,
  // A podium version is tens of kilobytes, a week of a meeting's history a few megabytes.
  docMaxBytes: DOC_MAX_BYTES,
  // A large paste is a few hundred kilobytes; typing, a few hundred bytes a second.
  docBytesPerSecond: UPDATE_BYTES_PER_SECOND,
  docBytesBurst: UPDATE_BYTES_BURST,
  senderBytesPerSecond: SENDER_UPDATE_BYTES_PER_SECOND,
  senderBytesBurst: SENDER_UPDATE_BYTES_BURST,
  senderBytesPerHour: SENDER_UPDATE_BYTES_PER_HOUR,
  firstRequestMs: 10_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 120_000,
  pingIntervalMs: 30_000,
  maxSockets: defaultMaxSockets()
})

/** The soft limit on open descriptors (Linux /proc/self/limits), or null when it cannot be read. */
export function descriptorLimit(): number | null {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'))
    const soft = line?.split(/\s{2,}/)[1]
    if (!soft) return null
    return soft === 'unlimited' ? null : Number(soft)
  } catch {
    return null
  }
}

function defaultMaxSockets(): number {
  const limit = descriptorLimit() ?? 1024
  return Math.max(64, limit - DESCRIPTOR_HEADROOM)
}

/** Merges overrides into the defaults; throws a RangeError naming a limit that is not a positive number. */
export function resolveLimits(overrides: Partial<Limits> = {}): Limits {
  const limits = { ...DEFAULT_LIMITS, ...overrides }
  for (const [key, value] of Object.entries(limits)) {
    if (typeof value !== 'number' || !(value > 0) || Number.isNaN(value)) throw new RangeError(`limit ${key} ${JSON.stringify(value)} is not a positive number`)
  }
  return limits
}

/** Token buckets by key: `take(key)` is false once a key has spent its burst faster than its rate. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>()

  /** `rate` tokens per second refill a bucket of `burst`. */
  constructor (private readonly rate: number, private readonly burst: number, private readonly now: () => number = () => performance.now()) {
    if (!(rate > 0) || !(burst > 0)) throw new RangeError(`rate ${rate} and burst ${burst} must be positive`)
  }

  /** Takes `n` tokens (default one) for `key`; false, taking none, when the bucket holds fewer. */
  take(key: string, n = 1): boolean {
    const b = this.refill(key)
    if (b.tokens < n) return false
    b.tokens -= n
    return true
  }

  /** How long (ms) until `key`'s bucket holds `n` tokens (0 when it does now); `n` over the burst counts as the burst. */
  waitFor(key: string, n: number): number {
    const b = this.refill(key)
    const need = Math.min(n, this.burst) - b.tokens
    return need <= 0 ? 0 : Math.ceil((need / this.rate) * 1000)
  }

  /** Spends `n` tokens for `key`, going into debt when it holds fewer (the next waitFor is longer). */
  spend(key: string, n: number): void {
    this.refill(key).tokens -= n
  }

  private refill(key: string): { tokens: number; at: number } {
    const t = this.now()
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: t }
    b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.rate)
    b.at = t
    this.buckets.set(key, b)
    return b
  }

  /** Forgets buckets that have refilled completely (call now and then to bound memory). */
  sweep(): void {
    const t = this.now()
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((t - b.at) / 1000) * this.rate >= this.burst) this.buckets.delete(key)
    }
  }
}
