// Rate limits: token buckets keyed by remote address (before authentication) or by token.

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
}

/** Defaults sized for a meeting room: a few hundred people, typing. */
export const DEFAULT_LIMITS: Limits = Object.freeze({
  maxFrameBytes: 1024 * 1024,
  // A whole venue may share one address behind NAT and reconnect at once when the Wi-Fi drops.
  upgradesPerSecond: 50,
  upgradeBurst: 300,
  connectionsPerToken: 16,
  messagesPerSecond: 200,
  messageBurst: 1000,
  maxBufferedBytes: 8 * 1024 * 1024,
  maxBodyBytes: 4 * 1024 * 1024
})

/** Merges overrides into the defaults; throws a RangeError naming a limit that is not a positive number. */
export function resolveLimits(overrides: Partial<Limits> = {}): Limits {
  const limits = { ...DEFAULT_LIMITS, ...overrides }
  for (const [key, value] of Object.entries(limits)) {
    if (typeof value !== 'number' || !(value > 0)) throw new RangeError(`limit ${key} ${JSON.stringify(value)} is not a positive number`)
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

  /** Takes one token for `key`; false when the bucket is empty. */
  take(key: string): boolean {
    const t = this.now()
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: t }
    b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.rate)
    b.at = t
    this.buckets.set(key, b)
    if (b.tokens < 1) return false
    b.tokens -= 1
    return true
  }

  /** Forgets buckets that have refilled completely (call now and then to bound memory). */
  sweep(): void {
    const t = this.now()
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((t - b.at) / 1000) * this.rate >= this.burst) this.buckets.delete(key)
    }
  }
}
