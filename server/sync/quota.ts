// Quotas on update bytes: the bytes a document may hold in storage; the rate at which they are taken
// into one document, and from one sender (a delegation, all its links and documents together). A
// writer over a rate is slowed, not refused: its socket is not read until the budget refills
// (connection.ts), so nothing it sent is lost and nobody else waits. An update that would take a
// document past its size, or its sender past its hourly volume across documents, is refused in words.

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
  private readonly senderRate: RateLimiter
  private readonly senderVolume: RateLimiter

  constructor (private readonly storage: DocBytes, readonly limits: Pick<Limits, 'docMaxBytes' | 'docBytesPerSecond' | 'docBytesBurst' | 'senderBytesPerSecond' | 'senderBytesBurst' | 'senderBytesPerHour'>, private readonly now: () => number = () => performance.now()) {
    this.docRate = new RateLimiter(limits.docBytesPerSecond, limits.docBytesBurst, now)
    this.senderRate = new RateLimiter(limits.senderBytesPerSecond, limits.senderBytesBurst, now)
    this.senderVolume = new RateLimiter(limits.senderBytesPerHour / 3600, limits.senderBytesPerHour, now)
  }

  /**
   * How long (ms) an update of `bytes` to `doc` from `sender` (an identity: tokens.ts identityOf) must
   * wait for the rates; 0: take it now. Small updates (typing) never wait for the document's budget,
   * only for their sender's: one writer pasting megabytes slows itself and other large writers, never
   * someone typing.
   */
  wait(doc: string, sender: string, bytes: number): number {
    const own = this.senderRate.waitFor(sender, bytes)
    return bytes < SMALL_UPDATE_BYTES ? own : Math.max(own, this.docRate.waitFor(doc, bytes))
  }

  /** True when `bytes` more would take `sender` past its hourly volume across documents (nothing is spent). */
  overVolume(sender: string, bytes: number): boolean {
    return this.senderVolume.waitFor(sender, bytes) > 0
  }

  /** Spends the budgets of an update taken now (into debt for one over the burst). */
  spend(doc: string, sender: string, bytes: number): void {
    this.docRate.spend(doc, bytes)
    this.senderRate.spend(sender, bytes)
    this.senderVolume.spend(sender, bytes)
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
    this.senderRate.sweep()
    this.senderVolume.sweep()
  }
}

function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} KB`
}

/** The refusal sent for an update past a document's size limit, in words. */
export function sizeRefusal(maxBytes: number): { rule: string; reason: string } {
  return { rule: 'doc-size', reason: `The document has reached its size limit (${size(maxBytes)}); this change was not applied. Ask the secretariat.` }
}

/** The refusal sent for an update past its sender's hourly volume across documents, in words. */
export function volumeRefusal(perHour: number): { rule: string; reason: string } {
  return { rule: 'update-volume', reason: `Your changes passed ${size(perHour)} within an hour across all documents, the most one delegation may send; this change was not applied. Ask the secretariat.` }
}
