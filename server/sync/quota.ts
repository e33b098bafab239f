// Per-document quotas: the bytes a document may hold in storage, and the rate at which update bytes
// are taken from one document's writers and from one token. A writer over the rate is slowed, not
// refused: its socket is not read until the budget refills (connection.ts), so nothing it sent is
// lost and nobody else waits. An update that would take a document past its size is refused in words.

import { RateLimiter, type Limits } from '../limits.ts'
import { SMALL_UPDATE_BYTES } from '../../shared/limits.ts'

/** What the quota needs from storage: a document's stored bytes (state and log), when it can tell. */
export interface DocBytes {
  docBytes?(name: string): number
}

/** Updates under this many bytes (keystrokes, a short paste) are not held for the document's budget. */
export { SMALL_UPDATE_BYTES }

// How long a stored size is trusted before it is read again (compaction shrinks it, other processes grow it).
const RECHECK_MS = 5000

/** The server's quotas, one instance per hub. */
export class DocQuota {
  private readonly sizes = new Map<string, { bytes: number; at: number }>()
  private readonly docRate: RateLimiter
  private readonly tokenRate: RateLimiter

  constructor (private readonly storage: DocBytes, readonly limits: Pick<Limits, 'docMaxBytes' | 'docBytesPerSecond' | 'docBytesBurst'>, private readonly now: () => number = () => performance.now()) {
    this.docRate = new RateLimiter(limits.docBytesPerSecond, limits.docBytesBurst, now)
    this.tokenRate = new RateLimiter(limits.docBytesPerSecond, limits.docBytesBurst, now)
  }

  /**
   * How long (ms) an update of `bytes` to `doc` from `tokenId` must wait for the rate; 0: take it now.
   * Small updates (typing) never wait for the document's budget, only for their own token's: one
   * writer pasting megabytes slows itself and other large writers, never someone typing.
   */
  wait(doc: string, tokenId: string, bytes: number): number {
    const own = this.tokenRate.waitFor(tokenId, bytes)
    return bytes < SMALL_UPDATE_BYTES ? own : Math.max(own, this.docRate.waitFor(doc, bytes))
  }

  /** Spends the rate budget of an update taken now (into debt for one over the burst). */
  spend(doc: string, tokenId: string, bytes: number): void {
    this.docRate.spend(doc, bytes)
    this.tokenRate.spend(tokenId, bytes)
  }

  /** The bytes `doc` holds in storage (as of at most RECHECK_MS ago, plus what was taken since). */
  stored(doc: string): number {
    const t = this.now()
    let s = this.sizes.get(doc)
    if (!s || t - s.at > RECHECK_MS) {
      s = { bytes: this.storage.docBytes?.(doc) ?? 0, at: t }
      this.sizes.set(doc, s)
    }
    return s.bytes
  }

  /** True when `bytes` more would take `doc` past its size limit. */
  over(doc: string, bytes: number): boolean {
    return this.stored(doc) + bytes > this.limits.docMaxBytes
  }

  /** Counts `bytes` taken into `doc` (until the next read of its stored size). */
  added(doc: string, bytes: number): void {
    const s = this.sizes.get(doc)
    if (s) s.bytes += bytes
  }

  /** Sweeps full buckets (call now and then). */
  sweep(): void {
    this.docRate.sweep()
    this.tokenRate.sweep()
  }
}

/** The refusal sent for an update past a document's size limit, in words. */
export function sizeRefusal(maxBytes: number): { rule: string; reason: string } {
  const size = maxBytes >= 1024 * 1024 ? `${Math.round(maxBytes / 1024 / 1024)} MB` : `${Math.round(maxBytes / 1024)} KB`
  return { rule: 'doc-size', reason: `The document has reached its size limit (${size}); this change was not applied. Ask the secretariat.` }
}
