// Hostile clients for the trust tests: a raw websocket speaking y-protocols by hand, with its own
// Y.Doc, so a test can send exactly the update it means to (no browser, no provider retries).

import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import type { WebSocket } from 'ws'
import type { Node } from 'prosemirror-model'
import { Transform } from 'prosemirror-transform'
import { MessageType } from '../../shared/protocol.ts'
import { FRAGMENT_NAME, newYDoc, readDocFromY, updateYFromDoc } from '../../shared/ydoc.ts'
import type { RunningServer } from '../../server/index.ts'
import { DOC, closed, opened, rawSocket, waitFor } from './helpers.ts'

/** A raw client: its document, what the server sent it, and how its socket ended. */
export class RawClient {
  readonly doc = newYDoc()
  /** Reasons of permission-denied (auth) messages received. */
  readonly denied: string[] = []
  closedWith: { code: number; reason: string } | null = null
  private synced = false
  // While offline (hold): frames from the server wait, and local updates are kept, not sent.
  private held: { incoming: Uint8Array[]; outgoing: Uint8Array[] } | null = null

  private constructor (readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const frame = new Uint8Array(data)
      if (this.held) this.held.incoming.push(frame)
      else this.onMessage(frame)
    })
    void closed(ws, 120_000).then((c) => { this.closedWith = c }, () => {})
  }

  /** Opens a socket to `doc` with `tok` and waits until it holds the server's document. */
  static async open(server: RunningServer, tok: string, doc = DOC): Promise<RawClient> {
    const ws = rawSocket(server, tok, doc)
    const client = new RawClient(ws)
    await opened(ws)
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, MessageType.sync)
    syncProtocol.writeSyncStep1(e, client.doc)
    ws.send(encoding.toUint8Array(e))
    await waitFor(() => client.synced, 'raw client sync')
    return client
  }

  private onMessage(frame: Uint8Array): void {
    const d = decoding.createDecoder(frame)
    const type = decoding.readVarUint(d)
    if (type === MessageType.sync) {
      const sub = decoding.readVarUint(d)
      if (sub === syncProtocol.messageYjsSyncStep1) return
      Y.applyUpdate(this.doc, decoding.readVarUint8Array(d), 'server')
      if (sub === syncProtocol.messageYjsSyncStep2) this.synced = true
    } else if (type === MessageType.auth) {
      decoding.readVarUint(d)
      this.denied.push(decoding.readVarString(d))
    }
  }

  /** Goes offline: nothing is received or sent until release(). */
  hold(): void {
    this.held ??= { incoming: [], outgoing: [] }
  }

  /** Comes back: applies what the server sent meanwhile, then sends the local backlog as one update. */
  release(): void {
    const held = this.held
    if (!held) return
    this.held = null
    for (const frame of held.incoming) this.onMessage(frame)
    if (held.outgoing.length) this.send(Y.mergeUpdates(held.outgoing))
  }

  /** Sends one Yjs update as a sync-update message (kept for later while offline). */
  send(update: Uint8Array): void {
    if (this.held) {
      this.held.outgoing.push(update)
      return
    }
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, MessageType.sync)
    syncProtocol.writeUpdate(e, update)
    this.ws.send(encoding.toUint8Array(e))
  }

  /** Runs `change` on the client's document and sends the update it makes. */
  change(change: (doc: Y.Doc) => void): Uint8Array {
    const before = Y.encodeStateVector(this.doc)
    this.doc.transact(() => change(this.doc), 'local')
    const update = Y.encodeStateAsUpdate(this.doc, before)
    this.send(update)
    return update
  }

  /** Edits the document as ProseMirror does (y-prosemirror's diff of the old and new document) and sends the update. */
  edit(transform: (doc: Node) => Node): Uint8Array {
    return this.change((doc) => updateYFromDoc(doc, transform(readDocFromY(doc)), 'local'))
  }

  /** Resolves with the close code once the server closed the socket. */
  async closeCode(): Promise<number> {
    await waitFor(() => this.closedWith !== null, 'the server to close the socket')
    return this.closedWith!.code
  }

  /** Closes the socket. */
  close(): void {
    this.ws.close()
  }
}

/** The podium fragment of a document. */
export function fragmentOf(doc: Y.Doc): Y.XmlFragment {
  return doc.getXmlFragment(FRAGMENT_NAME)
}

/** Every element named `name` in the document, in document order. */
export function elements(doc: Y.Doc, name: string): Y.XmlElement[] {
  const out: Y.XmlElement[] = []
  const walk = (el: Y.XmlElement | Y.XmlFragment) => {
    for (const child of el.toArray()) {
      if (child instanceof Y.XmlElement) {
        if (child.nodeName === name) out.push(child)
        walk(child)
      }
    }
  }
  walk(fragmentOf(doc))
  return out
}

/** The words of an element (its text nodes' characters, in order, elements' own text left out). */
export function plainText(el: Y.XmlElement | Y.XmlText): string {
  if (el instanceof Y.XmlText) return (el.toDelta() as { insert: unknown }[]).map((d) => (typeof d.insert === 'string' ? d.insert : '')).join('')
  return el.toArray().map((c) => (c instanceof Y.XmlElement || c instanceof Y.XmlText ? plainText(c) : '')).join('')
}

/** The top-level block whose words start with `label` (e.g. "PP4."). */
export function block(doc: Y.Doc, label: string): Y.XmlElement {
  const found = fragmentOf(doc).toArray().find((b) => b instanceof Y.XmlElement && plainText(b).startsWith(label))
  if (!found) throw new Error(`no block starting with ${label}`)
  return found as Y.XmlElement
}

/** The positions in a block as `(+CHN)` strings, in order. */
export function positionsIn(el: Y.XmlElement | Y.XmlFragment): string[] {
  const out: string[] = []
  const walk = (e: Y.XmlElement | Y.XmlFragment) => {
    for (const c of e.toArray()) {
      if (!(c instanceof Y.XmlElement)) continue
      if (c.nodeName === 'delegation_mark') out.push(`(${c.getAttribute('stance')}${c.getAttribute('delegation')}${c.getAttribute('qualifier') ? ' ' + c.getAttribute('qualifier') : ''})`)
      walk(c)
    }
  }
  walk(el)
  return out
}

/** A ProseMirror edit that inserts `nodes` at the end of the top-level block whose text starts with `label`. */
export function appendTo(label: string, ...nodes: Node[]): (doc: Node) => Node {
  return (doc) => {
    let end = -1
    doc.forEach((b, pos) => { if (end < 0 && b.textContent.startsWith(label)) end = pos + b.nodeSize - 1 })
    if (end < 0) throw new Error(`no block starting with ${label}`)
    return new Transform(doc).insert(end, nodes).doc
  }
}

/** Appends a position element (attributes as given, unchecked) at the end of the block starting with `label`. */
export function appendPosition(doc: Y.Doc, label: string, attrs: Record<string, unknown>): void {
  const mark = new Y.XmlElement('delegation_mark')
  for (const [k, v] of Object.entries(attrs)) mark.setAttribute(k, v as string)
  const b = block(doc, label)
  b.insert(b.length, [mark])
}
