// One simulated participant that survives a server's death: a BenchClient that, when its socket
// closes, connects again (through the balancer, to a server still alive) and sends what the new
// server lacks — an editor its Y.Doc's difference, a typist every update it ever sent, merged and
// cut to the server's state vector — as y-websocket's provider does after a reconnect.

import * as Y from 'yjs'
import { BenchClient, type Target } from '../sync/client.ts'

/** Options of a participant. */
export interface ParticipantOptions {
  /** Where to connect; called on every (re)connect (a balancer's address, or the next server). */
  target: (attempt: number) => Target
  /** `all`: an editor with a Y.Doc; `none`: a typist or an observer, frames only counted. */
  apply: 'all' | 'none'
  /** Every update frame with its arrival time (performance.now()). */
  onUpdate?: (update: Uint8Array, at: number) => void
  /** Connect again after a close (default true). */
  reconnect?: boolean
}

// Waits before connecting again: a little jitter so that a server's clients do not all arrive at once.
const RETRY_MS = 100
const RETRY_JITTER_MS = 200

/** A client that reconnects and resends; see the top of this file. */
export class Participant {
  client: BenchClient
  /** Updates this participant sent as a typist (resent, merged, after a reconnect). */
  private readonly sent: Uint8Array[] = []
  private readonly ydoc: Y.Doc | undefined
  private stopped = false
  private timer: NodeJS.Timeout | null = null
  /** Connections made after the first. */
  reconnects = 0
  /** performance.now() of the last time its socket closed under it, or 0. */
  lostAt = 0
  /** The `target().url` of its current connection. */
  url: string

  constructor (private readonly options: ParticipantOptions) {
    this.ydoc = undefined
    this.client = this.connect(0)
    this.ydoc = this.client.ydoc ?? undefined
    this.url = this.client.target.url
  }

  private connect(attempt: number): BenchClient {
    const target = this.options.target(attempt)
    const client = new BenchClient(target, {
      apply: this.options.apply,
      ydoc: this.ydoc,
      onUpdate: this.options.onUpdate,
      answerStep1: (sv) => (this.sent.length === 0 ? new Uint8Array([0, 0]) : Y.diffUpdate(Y.mergeUpdates(this.sent), sv))
    })
    client.ws.on('close', () => this.closed(client))
    this.url = target.url
    return client
  }

  private closed(client: BenchClient): void {
    if (this.stopped || client !== this.client || this.options.reconnect === false) return
    this.lostAt = performance.now()
    const retry = () => {
      this.timer = null
      if (this.stopped) return
      this.reconnects++
      this.client = this.connect(this.reconnects)
    }
    this.timer = setTimeout(retry, RETRY_MS + Math.random() * RETRY_JITTER_MS)
  }

  /** Connected and synced (its first sync step 2 has arrived on this connection). */
  get ready(): boolean {
    return this.client.synced && this.client.ws.readyState === this.client.ws.OPEN
  }

  /** The participant's document (editors). */
  get doc(): Y.Doc | null {
    return this.client.ydoc
  }

  /** Sends a typist's update when connected; returns its first struct key, or null (nothing sent, nothing kept). */
  sendUpdate(update: Uint8Array): string | null {
    if (!this.ready) return null
    const key = this.client.sendUpdate(update)
    if (key) this.sent.push(update)
    return key
  }

  /** Makes an editor's change in one transaction and sends it when connected; returns its first struct key, or null. */
  edit(edit: (doc: Y.Doc) => void): string | null {
    if (!this.ready) return null
    return this.client.edit(edit)
  }

  /** Stops reconnecting and closes the socket; `keepDoc` keeps the editor's Y.Doc for checks. */
  close(keepDoc = false): void {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    if (keepDoc) this.client.ws.terminate()
    else this.client.close()
  }
}
