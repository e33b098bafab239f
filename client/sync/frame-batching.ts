import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import type { WebsocketProvider } from 'y-websocket'
import { MessageType } from '../../shared/protocol.ts'

/** The longest a remote update waits when no animation frame comes (a hidden tab), in ms. */
export const FRAME_BATCH_FALLBACK_MS = 100

/** How batching is scheduled; the page's animation frames by default. */
export interface FrameScheduler {
  request(fn: () => void): () => void
}

const animationFrames: FrameScheduler = {
  request(fn) {
    const raf = typeof requestAnimationFrame === 'function' ? requestAnimationFrame(fn) : null
    // rAF does not run in a hidden tab: a timer still applies what arrived (and it is the only way in Node).
    const timer = setTimeout(fn, FRAME_BATCH_FALLBACK_MS)
    return () => { if (raf !== null) cancelAnimationFrame(raf); clearTimeout(timer) }
  }
}

/**
 * Applies the Yjs updates the server sends (sync messages of type update) once per animation frame,
 * all in one transaction with `provider` as origin, instead of one transaction each. With thirty
 * delegations typing several updates arrive per frame, and each transaction costs the editor a whole
 * redraw (y-prosemirror replaces the document, ProseMirror diffs it and reads the DOM selection);
 * applied in the frame's callback they are still painted in that same frame. Order is kept: any other
 * sync message (step 1, step 2) first applies what waits. Until the provider is synced, updates are
 * applied at once as before. Returns a function that applies what waits and restores the handler.
 */
export function batchRemoteUpdatesPerFrame(provider: WebsocketProvider, ydoc: Y.Doc, scheduler: FrameScheduler = animationFrames): () => void {
  const handlers = provider.messageHandlers
  const original = handlers[MessageType.sync]
  if (typeof original !== 'function') throw new RangeError('batchRemoteUpdatesPerFrame: the provider has no sync message handler')
  let waiting: Uint8Array[] = []
  let cancel: (() => void) | null = null
  const flush = () => {
    cancel?.()
    cancel = null
    if (waiting.length === 0 || ydoc.isDestroyed) { waiting = []; return }
    const updates = waiting
    waiting = []
    // Nested applyUpdate calls join this one transaction: observers (the editor) run once at its end.
    Y.transact(ydoc, () => { for (const u of updates) Y.applyUpdate(ydoc, u, provider) }, provider)
  }
  handlers[MessageType.sync] = (encoder, decoder, p, emitSynced, messageType) => {
    const peek = decoding.clone(decoder)
    if (p.synced && decoding.readVarUint(peek) === syncProtocol.messageYjsUpdate) {
      waiting.push(decoding.readVarUint8Array(peek))
      decoder.pos = peek.pos
      cancel ??= scheduler.request(flush)
      return
    }
    flush()
    original(encoder, decoder, p, emitSynced, messageType)
  }
  return () => {
    flush()
    handlers[MessageType.sync] = original
  }
}
