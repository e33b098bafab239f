// Remote updates applied once per frame (client/sync/frame-batching.ts), with a real y-websocket
// provider against the real server: what arrives between two frames waits, then lands in one
// transaction in arrival order; a sync message (the step 1/2 of a reconnect) applies what waits first.

import { afterEach, describe, expect, it } from 'vitest'
import type * as Y from 'yjs'
import type { RunningServer } from '../../server/index.ts'
import { batchRemoteUpdatesPerFrame, type FrameScheduler } from '../../client/sync/frame-batching.ts'
import { addParagraph, cleanupDirs, connect, content, destroyAll, start, synced, token, waitFor } from '../server/helpers.ts'
import type { WebsocketProvider } from 'y-websocket'

let server: RunningServer | null = null
const providers: WebsocketProvider[] = []
afterEach(async () => {
  destroyAll(...providers.splice(0))
  await server?.close()
  server = null
  cleanupDirs()
})

/** A scheduler whose frames come when the test says. */
function manualFrames(): FrameScheduler & { frame(): void; pending: number } {
  let queued: (() => void)[] = []
  return {
    request(fn) {
      queued.push(fn)
      return () => { queued = queued.filter((f) => f !== fn) }
    },
    frame() { const q = queued; queued = []; for (const f of q) f() },
    get pending() { return queued.length }
  }
}

/** Counts the transactions `origin` made on `doc`. */
function transactionsBy(doc: Y.Doc, origin: unknown): { count: number } {
  const seen = { count: 0 }
  doc.on('afterTransaction', (tr: Y.Transaction) => { if (tr.origin === origin) seen.count++ })
  return seen
}

/** A server, a secretariat writer and a delegation reader whose remote updates wait for `frames`. */
async function writerAndBatchedReader() {
  server = await start()
  const writer = connect(server, token(server, 'secretariat'))
  const reader = connect(server, token(server, 'delegation', 'CHN'))
  providers.push(writer, reader)
  await Promise.all([synced(writer), synced(reader)])
  const frames = manualFrames()
  const stop = batchRemoteUpdatesPerFrame(reader, reader.doc, frames)
  return { writer, reader, frames, stop }
}

describe('remote updates applied once per frame', () => {
  it('holds what arrives until the frame, then applies all of it in one transaction and in order', async () => {
    const { writer, reader, frames, stop } = await writerAndBatchedReader()
    const tx = transactionsBy(reader.doc, reader)
    const before = content(reader.doc)

    for (const word of ['first', 'second', 'third']) addParagraph(writer.doc, `frame batching ${word}`)
    // The three updates reach the reader's socket: they wait for the frame, the document is unchanged.
    await waitFor(() => frames.pending === 1, 'the first update waiting')
    await new Promise((r) => setTimeout(r, 300))
    expect(frames.pending).toBe(1)
    expect(content(reader.doc)).toBe(before)
    expect(tx.count).toBe(0)

    frames.frame()
    expect(tx.count).toBe(1)
    expect(content(reader.doc)).toBe(content(writer.doc))
    const text = content(reader.doc)
    expect(text.indexOf('frame batching first')).toBeLessThan(text.indexOf('frame batching second'))
    expect(text.indexOf('frame batching second')).toBeLessThan(text.indexOf('frame batching third'))

    // Stopping applies what still waits and gives y-websocket its own handler back.
    addParagraph(writer.doc, 'frame batching fourth')
    await waitFor(() => frames.pending === 1, 'the fourth update waiting')
    stop()
    expect(content(reader.doc)).toContain('frame batching fourth')
    addParagraph(writer.doc, 'frame batching fifth')
    await waitFor(() => content(reader.doc).includes('frame batching fifth'), 'the fifth update applied at once')
    expect(frames.pending).toBe(0)
  })

  it('applies waiting updates before a reconnect’s sync messages, and nothing is lost', async () => {
    const { writer, reader, frames } = await writerAndBatchedReader()

    addParagraph(writer.doc, 'before the reconnect')
    await waitFor(() => frames.pending === 1, 'the update waiting')
    // The link drops and comes back: the server's sync step 1/2 must not overtake what waits.
    reader.disconnect()
    addParagraph(writer.doc, 'while the reader was away')
    reader.connect()
    await synced(reader)
    await waitFor(() => content(reader.doc).includes('while the reader was away'), 'the missed update from sync step 2')
    expect(content(reader.doc)).toContain('before the reconnect')
    expect(frames.pending).toBe(0)
    expect(content(reader.doc)).toBe(content(writer.doc))
  })

  it('refuses a provider without a sync handler, naming it', () => {
    expect(() => batchRemoteUpdatesPerFrame({ messageHandlers: [] } as never, null as never)).toThrow(RangeError)
  })
})
