// Shared test helpers for the server suite: temp data dirs, servers on port 0, providers, raw sockets.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import { startServer, type RunningServer, type ServerOptions } from '../../server/index.ts'
import { createToken } from '../../server/tokens.ts'
import { FRAGMENT_NAME, newYDoc } from '../../shared/ydoc.ts'

/** The demo document every test server creates. */
export const DOC = 'astana-statement'

const dirs: string[] = []

/** A fresh temporary directory, removed by cleanupDirs(). */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'podium-test-'))
  dirs.push(dir)
  return dir
}

/** Removes every directory made by tempDir(). */
export function cleanupDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
}

/** Starts a quiet server on port 0 in `dataDir` (a new temp dir by default). */
export function start(options: Partial<ServerOptions> = {}): Promise<RunningServer> {
  return startServer({ port: 0, logLevel: 'silent', synchronous: 'normal', dataDir: options.dataDir ?? tempDir(), ...options })
}

/** A new token on the server's storage (the delegation must be on the server's roster). */
export function token(server: RunningServer, role: string, delegation: string | null = null): string {
  return createToken(server.storage, { role, delegation }, server.meeting.roster).token
}

/** A y-websocket provider (Node's ws) for `doc` with `tok`, on a new gc-off Y.Doc unless given one. */
export function connect(server: RunningServer, tok: string, doc = DOC, ydoc: Y.Doc = newYDoc()): WebsocketProvider {
  return new WebsocketProvider(`ws://127.0.0.1:${server.port}/sync`, doc, ydoc, {
    params: { token: tok },
    WebSocketPolyfill: WebSocket as never,
    disableBc: true,
    maxBackoffTime: 200
  })
}

/** Polls `condition` every 10 ms until true; throws after `timeoutMs` naming `what`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** Resolves when the provider has synced with the server. */
export function synced(provider: WebsocketProvider, timeoutMs = 10_000): Promise<void> {
  return waitFor(() => provider.synced, 'provider sync', timeoutMs)
}

/** Appends a paragraph holding `text` to the podium fragment, as an editor would. */
export function addParagraph(ydoc: Y.Doc, text: string): void {
  const p = new Y.XmlElement('paragraph')
  p.setAttribute('id', `t${ydoc.clientID}x${Math.random().toString(36).slice(2, 8)}`)
  p.insert(0, [new Y.XmlText(text)])
  ydoc.getXmlFragment(FRAGMENT_NAME).push([p])
}

/** The fragment's XML string: equal strings mean equal documents. */
export function content(ydoc: Y.Doc): string {
  return ydoc.getXmlFragment(FRAGMENT_NAME).toString()
}

/** A raw websocket to /sync/<doc> with an optional token; resolves once open (or closed early). */
export function rawSocket(server: RunningServer, tok: string | null, doc = DOC): WebSocket {
  const q = tok === null ? '' : `?token=${encodeURIComponent(tok)}`
  return new WebSocket(`ws://127.0.0.1:${server.port}/sync/${doc}${q}`)
}

/** Resolves with the close code and reason of a websocket. */
export function closed(ws: WebSocket, timeoutMs = 10_000): Promise<{ code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('socket did not close')), timeoutMs)
    ws.on('error', () => {})
    ws.once('close', (code, reason) => {
      clearTimeout(timer)
      resolve({ code, reason: reason.toString() })
    })
  })
}

/** Resolves once the websocket is open. */
export function opened(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
}

/** Destroys providers and their docs. */
export function destroyAll(...providers: WebsocketProvider[]): void {
  for (const p of providers) {
    p.destroy()
    p.doc.destroy()
  }
}

/** A hand-made y-websocket awareness frame: entries of [clientID, clock, state JSON as sent]. */
export function awarenessFrame(entries: [number, number, string][]): Uint8Array {
  const inner = encoding.createEncoder()
  encoding.writeVarUint(inner, entries.length)
  for (const [client, clock, json] of entries) {
    encoding.writeVarUint(inner, client)
    encoding.writeVarUint(inner, clock)
    encoding.writeVarString(inner, json)
  }
  const outer = encoding.createEncoder()
  encoding.writeVarUint(outer, 1) // MessageType.awareness
  encoding.writeVarUint8Array(outer, encoding.toUint8Array(inner))
  return encoding.toUint8Array(outer)
}

/**
 * Changes `from`'s presence once per colour, `gapMs` apart, each time waiting (at most 1 s) until
 * `to` has the change; returns the longest any change took to arrive, in ms. (The server writes
 * `user` itself from the token; the entry's clock says which change arrived.)
 */
export async function presenceRounds(from: WebsocketProvider, to: WebsocketProvider, delegation: string, colours: readonly string[], gapMs: number): Promise<number> {
  let longest = 0
  for (const colour of colours) {
    const sent = performance.now()
    from.awareness.setLocalStateField('user', { delegation, colour })
    const clock = from.awareness.meta.get(from.doc.clientID)!.clock
    await waitFor(() => (to.awareness.meta.get(from.doc.clientID)?.clock ?? -1) >= clock, `presence change ${clock} reaches the other client`, 1_000)
    longest = Math.max(longest, performance.now() - sent)
    await new Promise((r) => setTimeout(r, gapMs))
  }
  return longest
}
