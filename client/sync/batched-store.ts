import * as Y from 'yjs'
import type { IndexeddbPersistence } from 'y-indexeddb'

/** How long updates from the server wait before they are written to IndexedDB together. */
export const REMOTE_STORE_DELAY_MS = 1000

/**
 * Writes updates from the server (`remoteOrigin`) to IndexedDB merged, at most once every `delayMs`,
 * instead of one IndexedDB transaction per update (with thirty delegations typing that was a tenth
 * of the main thread). This tab's own edits are still written at once, after anything waiting, so a
 * reload right after typing loses nothing; what the server sent and is not yet written the server
 * still has. Waiting updates are written when the page is hidden or closed. Returns a function that
 * writes what waits and stops batching (y-indexeddb's own per-update writing is not restored).
 */
export function batchRemoteStores(persistence: IndexeddbPersistence, ydoc: Y.Doc, remoteOrigin: unknown, delayMs = REMOTE_STORE_DELAY_MS): () => void {
  if (!(delayMs >= 0)) throw new RangeError(`batchRemoteStores: delayMs ${delayMs} is not a non-negative number`)
  const store = persistence._storeUpdate
  ydoc.off('update', store)
  let pending: Uint8Array[] = []
  let timer: ReturnType<typeof setTimeout> | null = null
  const flush = () => {
    if (timer) { clearTimeout(timer); timer = null }
    if (pending.length === 0 || persistence._destroyed) { pending = []; return }
    const update = pending.length === 1 ? pending[0] : Y.mergeUpdates(pending)
    pending = []
    store(update, null)
  }
  const onUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === persistence || persistence._destroyed) return
    if (origin === remoteOrigin) {
      pending.push(update)
      timer ??= setTimeout(flush, delayMs)
      return
    }
    flush()
    store(update, origin)
  }
  const onHide = () => { if (document.visibilityState === 'hidden') flush() }
  ydoc.on('update', onUpdate)
  window.addEventListener('pagehide', flush)
  document.addEventListener('visibilitychange', onHide)
  return () => {
    flush()
    ydoc.off('update', onUpdate)
    window.removeEventListener('pagehide', flush)
    document.removeEventListener('visibilitychange', onHide)
  }
}
