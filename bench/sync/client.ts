// A lean y-websocket-protocol client for the load generator: one websocket, one Y.Doc, sync step
// 1/2 and updates. Hocuspocus speaks the same messages behind a document-name prefix and an auth
// message, so the same client drives all three servers.

import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import { newYDoc } from '../../shared/ydoc.ts'

/** How a server frames messages. */
export type Framing = 'y-websocket' | 'hocuspocus'

/** Where and how a client connects. */
export interface Target {
  url: string
  framing: Framing
  /** Document name (Hocuspocus puts it in every message). */
  doc: string
  /** Hocuspocus auth token (any string; the bench server does not check it). */
  token?: string
  /**
   * The roster code whose positions this client states: its token's delegation on Podium (which
   * refuses any other), a roster code picked for it elsewhere. Absent for the pen (chair, secretariat).
   */
  delegation?: string
}

/** Options of a client. */
export interface ClientOptions {
  /**
   * What the client keeps: `all` — a Y.Doc with everything applied, as an editor does; `none` — no
   * Y.Doc: frames are only counted, and edits, if any, come from a Typist through sendUpdate.
   */
  apply: 'all' | 'none'
  /** Called for every update frame with the update and its arrival time (performance.now()). */
  onUpdate?: (update: Uint8Array, at: number) => void
  /**
   * Without a Y.Doc: what to answer the server's sync step 1 (its state vector) with — a Typist's own
   * updates the server lacks, after a reconnect (bench/cluster). Default: nothing.
   */
  answerStep1?: (stateVector: Uint8Array) => Uint8Array
  /** With `apply: 'all'`: the Y.Doc to keep (a reconnecting editor's own); default a new one. */
  ydoc?: Y.Doc
}

// The `client:clock` of the first struct of a v1 update: enough to identify an edit without decoding it.
export function firstStructKey(update: Uint8Array): string | null {
  const d = decoding.createDecoder(update)
  if (decoding.readVarUint(d) === 0) return null
  decoding.readVarUint(d) // structs of this client
  const client = decoding.readVarUint(d)
  const clock = decoding.readVarUint(d)
  return `${client}:${clock}`
}

/** One simulated participant. */
export class BenchClient {
  readonly ydoc: Y.Doc | null
  readonly ws: WebSocket
  /** When connect started and when the server's step 2 arrived (performance.now()). */
  readonly startedAt = performance.now()
  syncedAt = 0
  /** Bytes of the server's step 2, and how long applying it to a fresh Y.Doc took (apply mode). */
  syncBytes = 0
  syncApplyMs = 0
  updatesReceived = 0
  closed = false
  // Waiting for the answer to resync().
  private resyncWaiter: ((state: Uint8Array) => void) | null = null
  private readonly prefix: Uint8Array

  constructor (readonly target: Target, readonly options: ClientOptions) {
    this.ydoc = options.apply === 'none' ? null : options.ydoc ?? newYDoc()
    const pre = encoding.createEncoder()
    if (target.framing === 'hocuspocus') encoding.writeVarString(pre, target.doc)
    this.prefix = encoding.toUint8Array(pre)
    this.ws = new WebSocket(target.url, { perMessageDeflate: false })
    this.ws.binaryType = 'nodebuffer'
    this.ws.on('open', () => this.onOpen())
    this.ws.on('message', (data: Buffer) => this.onMessage(data))
    this.ws.on('error', () => {})
    this.ws.on('close', () => { this.closed = true })
  }

  get synced(): boolean {
    return this.syncedAt > 0
  }

  private send(write: (e: encoding.Encoder) => void): void {
    if (this.ws.readyState !== WebSocket.OPEN) return
    const e = encoding.createEncoder()
    encoding.writeUint8Array(e, this.prefix)
    write(e)
    this.ws.send(encoding.toUint8Array(e))
  }

  private onOpen(): void {
    if (this.target.framing === 'hocuspocus') {
      // Hocuspocus holds every message of a document until its auth message has arrived.
      this.send((e) => {
        encoding.writeVarUint(e, 2) // Auth
        encoding.writeVarUint(e, 0) // Token
        encoding.writeVarString(e, this.target.token ?? 'bench')
      })
    }
    const sv = this.ydoc ? Y.encodeStateVector(this.ydoc) : new Uint8Array([0])
    this.send((e) => {
      encoding.writeVarUint(e, 0)
      encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep1)
      encoding.writeVarUint8Array(e, sv)
    })
  }

  private onMessage(data: Buffer): void {
    const at = performance.now()
    const d = decoding.createDecoder(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    if (this.target.framing === 'hocuspocus') decoding.readVarString(d)
    const type = decoding.readVarUint(d)
    // 0 sync; Hocuspocus also answers with 4 (sync reply). Awareness, auth and status are ignored.
    if (type !== 0 && type !== 4) return
    const sub = decoding.readVarUint(d)
    if (sub === syncProtocol.messageYjsSyncStep1) {
      const sv = decoding.readVarUint8Array(d)
      const update = this.ydoc ? Y.encodeStateAsUpdate(this.ydoc, sv) : this.options.answerStep1?.(sv) ?? new Uint8Array([0, 0])
      this.send((e) => {
        encoding.writeVarUint(e, 0)
        encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2)
        encoding.writeVarUint8Array(e, update)
      })
    } else if (sub === syncProtocol.messageYjsSyncStep2) {
      const update = decoding.readVarUint8Array(d)
      const t = performance.now()
      if (this.ydoc) Y.applyUpdate(this.ydoc, update, this)
      if (!this.syncedAt) {
        this.syncedAt = at
        this.syncBytes = update.byteLength
        this.syncApplyMs = performance.now() - t
      } else if (this.resyncWaiter) {
        const w = this.resyncWaiter
        this.resyncWaiter = null
        w(update.slice())
      }
    } else if (sub === syncProtocol.messageYjsUpdate) {
      const update = decoding.readVarUint8Array(d)
      this.updatesReceived++
      this.options.onUpdate?.(update, at)
      // On arrival, as y-websocket does.
      if (this.ydoc) Y.applyUpdate(this.ydoc, update, this)
    }
  }

  /**
   * Asks the server for its whole document again (sync step 1 with an empty state vector) and
   * resolves with its answer, or null when none came within `timeoutMs` or the socket is closed.
   */
  resync(timeoutMs: number): Promise<Uint8Array | null> {
    if (this.ws.readyState !== WebSocket.OPEN || !this.synced || this.resyncWaiter) return Promise.resolve(null)
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.resyncWaiter = null
        resolve(null)
      }, timeoutMs)
      this.resyncWaiter = (state) => {
        clearTimeout(timer)
        resolve(state)
      }
      this.send((e) => {
        encoding.writeVarUint(e, 0)
        encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep1)
        encoding.writeVarUint8Array(e, new Uint8Array([0]))
      })
    })
  }

  /**
   * Makes a local change with `edit` in one transaction and sends it; returns the new update's
   * first struct key (`client:clock`), or null when nothing was sent.
   */
  edit(edit: (ydoc: Y.Doc) => void): string | null {
    const doc = this.ydoc
    if (!doc || this.ws.readyState !== WebSocket.OPEN) return null
    let update: Uint8Array | null = null
    const capture = (u: Uint8Array, origin: unknown) => { if (origin === null) update = u }
    doc.on('update', capture)
    try {
      doc.transact(() => edit(doc), null)
    } finally {
      doc.off('update', capture)
    }
    if (!update) return null
    const u: Uint8Array = update
    this.send((e) => {
      encoding.writeVarUint(e, 0)
      syncProtocol.writeUpdate(e, u)
    })
    return firstStructKey(u)
  }

  /** Sends an update made elsewhere (a Typist's); returns its first struct key, or null when the socket is not open. */
  sendUpdate(update: Uint8Array): string | null {
    if (this.ws.readyState !== WebSocket.OPEN) return null
    this.send((e) => {
      encoding.writeVarUint(e, 0)
      syncProtocol.writeUpdate(e, update)
    })
    return firstStructKey(update)
  }

  /** Closes the socket and frees the document. */
  close(): void {
    this.ws.terminate()
    this.ydoc?.destroy()
  }
}
