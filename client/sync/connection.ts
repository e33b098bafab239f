import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { IndexeddbPersistence } from 'y-indexeddb'
import { batchRemoteStores } from './batched-store.ts'
import { batchRemoteUpdatesPerFrame } from './frame-batching.ts'
import { FRAGMENT_NAME, newYDoc } from '../../shared/ydoc.ts'
import * as decoding from 'lib0/decoding'
import { CloseCode, MessageType, Paths } from '../../shared/protocol.ts'

/** How the tab is connected: `live` (synced with the server), `connecting` (first time), `reconnecting`, `offline` (the browser has no network), `refused` (the server closed for good: bad token, bad document name). */
export type LinkState = 'connecting' | 'live' | 'reconnecting' | 'offline' | 'refused'

/** Who this tab is, as shown to the others (awareness `user`). */
export interface Identity {
  /** Cursor label: the delegation code, or SECRETARIAT / CHAIR / OBSERVER. */
  name: string
  /** `#rrggbb` (y-prosemirror only accepts 6-digit colours). */
  color: string
  role: string
  delegation: string | null
}

/** A document's live connection: the Y.Doc, the websocket provider and local persistence. */
export interface Connection {
  ydoc: Y.Doc
  fragment: Y.XmlFragment
  provider: WebsocketProvider
  persistence: IndexeddbPersistence
  /** Current link state. */
  readonly state: LinkState
  /** Why the server refused, when state is `refused`. */
  readonly refusal: string | null
  /** Calls `fn` now and on every link state change; returns an unsubscribe function. */
  onState(fn: (state: LinkState) => void): () => void
  /** Resolves once the tab has the document: from the server, or from local storage when offline. */
  ready: Promise<'server' | 'local'>
  /** Bytes of local edits made while not live (offline, reconnecting), not yet sent; 0 once synced again. */
  readonly unsentBytes: number
  /** Whether the server closed because the unsent edits do not fit in one message (1009): the tab stops reconnecting. */
  readonly stranded: boolean
  /** Calls `fn` with each roster revision the server pushes (the roster was edited); returns an unsubscribe function. */
  onRosterRevision(fn: (revision: number) => void): () => void
  /** Drops the local copy (with its unsent edits) and reloads the page from the server's text. */
  startAgain(): Promise<void>
  destroy(): void
}

/** Where the page finds, after the reload, why the server refused this tab's last change. */
export function refusalKey(docName: string): string {
  return `podium.refused:${docName}`
}

/** Options for connect(). */
export interface ConnectOptions {
  docName: string
  /**
   * Something that changes when a document of this name is deleted and created again (its creation
   * time): local copies of an older document must never merge into a new one of the same name.
   */
  incarnation?: string | null
  token: string
  identity: Identity
  /** `ws://host` or `wss://host`; default: this page's origin. */
  wsBase?: string
}

/** The websocket base URL for this page: `ws://host:port` or `wss://…`. */
export function pageWsBase(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`
}

/**
 * Opens a document: IndexedDB first (what this browser already has, including edits not yet sent),
 * then the websocket. Edits made offline stay in IndexedDB and go to the server when the link returns.
 * The IndexedDB store is per document and per person, so two sign-ins in one browser never mix
 * their unsent edits (the server refuses updates under another delegation's client id).
 */
export function connect(opts: ConnectOptions): Connection {
  const ydoc = newYDoc()
  const fragment = ydoc.getXmlFragment(FRAGMENT_NAME)
  const who = opts.identity.delegation ?? opts.identity.role
  const persistence = new IndexeddbPersistence(`podium:${opts.docName}:${who}${opts.incarnation ? ':' + opts.incarnation : ''}`, ydoc)
  const provider = new WebsocketProvider((opts.wsBase ?? pageWsBase()) + Paths.sync, opts.docName, ydoc, {
    // `opts.token` is the tab's session id (session/token.ts): the server reads the token from its httpOnly cookie.
    params: { session: opts.token },
    // Tabs of one browser could be different people: every edit goes through the server, which checks who sent it.
    disableBc: true,
    maxBackoffTime: 2000,
    // A frame over the server's limit (1009) would be sent again on every reconnect: stop instead and
    // let the page say so (see `stranded`); 4400–4499 are final too, as y-websocket's default says.
    shouldReconnect: (event: CloseEvent) => event.code !== CloseCode.messageTooBig && !(event.code >= 4400 && event.code < 4500)
  })
  provider.awareness.setLocalStateField('user', opts.identity)
  // Updates from the server are written to IndexedDB together, the tab's own edits at once.
  const stopBatching = batchRemoteStores(persistence, ydoc, provider)
  // …and applied to the document (and so the editor) once per frame, however many arrived in it.
  const stopFrameBatching = batchRemoteUpdatesPerFrame(provider, ydoc)

  // Edits made while not live wait to be sent as one message when the link returns.
  let unsentBytes = 0
  let stranded = false
  ydoc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin === provider || origin === persistence) return
    if (!(provider.wsconnected && provider.synced)) unsentBytes += update.byteLength
  })
  provider.on('sync', (synced: boolean) => { if (synced) unsentBytes = 0 })

  let state: LinkState = navigator.onLine ? 'connecting' : 'offline'
  let refusal: string | null = null
  let everLive = false
  const listeners = new Set<(s: LinkState) => void>()
  const set = (s: LinkState) => {
    if (state === 'refused' || s === state) return
    state = s
    for (const fn of listeners) fn(s)
  }
  const recompute = () => {
    if (!navigator.onLine) return set('offline')
    if (provider.wsconnected && provider.synced) { everLive = true; return set('live') }
    set(everLive ? 'reconnecting' : 'connecting')
  }
  provider.on('status', recompute)
  provider.on('sync', recompute)
  // The server's words for a refused change (a permission-denied message, JSON {rule, reason}).
  let refusedBecause: string | null = null
  provider.messageHandlers[MessageType.auth] = (_encoder, decoder) => {
    if (decoding.readVarUint(decoder) !== 0) return
    const text = decoding.readVarString(decoder)
    try {
      refusedBecause = String((JSON.parse(text) as { reason?: unknown }).reason ?? text)
    } catch {
      refusedBecause = text
    }
  }
  const rosterListeners = new Set<(revision: number) => void>()
  provider.messageHandlers[MessageType.rosterRevision] = (_encoder, decoder) => {
    const revision = decoding.readVarUint(decoder)
    for (const fn of rosterListeners) fn(revision)
  }
  provider.on('closed', (event: { code: number; reason: string }) => {
    if (event.code === CloseCode.refused) {
      // This tab's Yjs client has gone past what the server holds: start again from the server's
      // text, without the local copy (it holds the refused change, which would be sent again forever).
      sessionStorage.setItem(refusalKey(opts.docName), refusedBecause ?? event.reason)
      void persistence.clearData().finally(() => location.reload())
      return
    }
    if (event.code === CloseCode.messageTooBig) {
      stranded = true
      refusal = 'your unsent edits are larger than the server takes in one message'
    } else {
      refusal = event.reason || `closed (${event.code})`
    }
    set('refused')
  })
  // The browser knows before the socket does: disconnect at once, reconnect when the network returns.
  const onOffline = () => { provider.disconnect(); recompute() }
  const onOnline = () => { provider.connect(); recompute() }
  window.addEventListener('offline', onOffline)
  window.addEventListener('online', onOnline)

  const ready = new Promise<'server' | 'local'>((resolve) => {
    provider.once('sync', (synced: boolean) => { if (synced) resolve('server') })
    persistence.once('synced', () => {
      // Local copy first only when there is one and the server is out of reach.
      if (fragment.length > 0 && !navigator.onLine) resolve('local')
      else setTimeout(() => { if (fragment.length > 0 && !provider.synced) resolve('local') }, 4000)
    })
  })

  return {
    ydoc, fragment, provider, persistence, ready,
    get state() { return state },
    get refusal() { return refusal },
    get unsentBytes() { return unsentBytes },
    get stranded() { return stranded },
    async startAgain() {
      provider.disconnect()
      await persistence.clearData()
      location.reload()
    },
    onRosterRevision(fn) {
      rosterListeners.add(fn)
      return () => rosterListeners.delete(fn)
    },
    onState(fn) {
      listeners.add(fn)
      fn(state)
      return () => listeners.delete(fn)
    },
    destroy() {
      window.removeEventListener('offline', onOffline)
      window.removeEventListener('online', onOnline)
      stopFrameBatching()
      stopBatching()
      provider.destroy()
      void persistence.destroy()
      ydoc.destroy()
    }
  }
}
