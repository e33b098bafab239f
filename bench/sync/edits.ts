// The edits sent during a run, found again in the updates clients receive. A server may send one
// edit per update (Podium, the reference) or merge several into one (Hocuspocus coalesces within
// an event-loop turn), so an update is resolved to every edit whose first struct it carries.

import * as Y from 'yjs'
import { firstStructKey } from './client.ts'

/** One edit sent by a client. */
export interface SentEdit {
  sender: number
  client: number
  clock: number
  /** performance.now() when it was made. */
  t: number
  /** Whether its latency counts (sent after the warm-up). */
  measured: boolean
  /** Receivers other than the sender that have it. */
  seen: number
}

/** Sent edits by `client:clock` and by client. */
export class EditLog {
  private readonly byKey = new Map<string, SentEdit>()
  private readonly byClient = new Map<number, SentEdit[]>()
  // The last few merged updates resolved: a server sends the same merged bytes to every peer, and
  // decoding them once per receiver (parseUpdateMeta builds every struct) made most of the load
  // generator's garbage, so its GC pauses, against servers that merge.
  private readonly recent: { bytes: Uint8Array; edits: SentEdit[] }[] = []
  size = 0

  /** Records an edit whose update's first struct is `key` (`client:clock`). */
  add(sender: number, key: string, t: number, measured: boolean): SentEdit {
    const [client, clock] = key.split(':').map(Number)
    const e: SentEdit = { sender, client, clock, t, measured, seen: 0 }
    this.byKey.set(key, e)
    const list = this.byClient.get(client) ?? []
    list.push(e)
    this.byClient.set(client, list)
    this.size++
    return e
  }

  /**
   * The edits an update carries (the same array for the same bytes; do not change it). The fast path
   * takes an update of one client's structs for one edit; `exact` decodes it instead, for updates
   * that may carry several edits of one client (a client's edits sent again after a reconnect).
   */
  resolve(update: Uint8Array, exact = false): SentEdit[] {
    // Fast path: one client's structs, as a single edit is (reading the header only).
    if (update[0] === 1 && !exact) {
      const key = firstStructKey(update)
      const e = key ? this.byKey.get(key) : undefined
      if (e) return [e]
    }
    for (const r of this.recent) if (r.bytes.byteLength === update.byteLength && Buffer.compare(r.bytes, update) === 0) return r.edits
    const { from, to } = Y.parseUpdateMeta(update)
    const out: SentEdit[] = []
    for (const [client, start] of from) {
      const end = to.get(client) ?? start
      for (const e of this.byClient.get(client) ?? []) if (e.clock >= start && e.clock < end) out.push(e)
    }
    this.recent.unshift({ bytes: update, edits: out })
    if (this.recent.length > 4) this.recent.pop()
    return out
  }
}
