import * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import type { EditorView } from 'prosemirror-view'
import type { Api } from '../session/api.ts'
import type { SnapshotInfo } from '../session/types.ts'
import { serializeInline } from '../../shared/format/index.ts'
import { h } from '../ui/dom.ts'

// Restore and Replace are done by the server (server/snapshots/service.ts): one change written under
// the server's own Yjs client, after a snapshot "Before restoring …" / "Before replacing …" of the text
// as it was. Nobody's text changes without notice: a remote change by a client nobody is connected as
// (not in presence) makes the tab look at the snapshot list (one GET; usually nothing new); a new
// "Before …" snapshot is announced, naming who did what. If the person had been typing just before,
// the paragraph as they had it is offered back (shown, and one click copies it).

const RESTORED = /^Before restoring "(.*)"$/
const REPLACED = /^Before replacing the text with (.*)$/
/** Local typing this recent counts as "what the person was typing" when a restore arrives. */
const TYPING_MS = 60_000
/** A remote update this large is checked whoever sent it. */
const LARGE_UPDATE = 4096
/** At most one look at the snapshot list per this many milliseconds. */
const CHECK_MS = 2000

/** What the watcher needs from the document page. */
export interface RestoreWatchOptions {
  api: Api
  doc: string
  ydoc: Y.Doc
  awareness: Awareness
  /** The origin remote updates are applied with (the websocket provider). */
  remoteOrigin: unknown
  view(): EditorView | null
  /** Called when a restore or replace was announced (e.g. to refresh the History panel). */
  announced?(): void
}

/** What the person last typed: the block's id, its label-ish start and its podium text then. */
interface Typed { at: number; id: string | null; text: string }

function blockAtSelection(view: EditorView): Typed | null {
  const $from = view.state.selection.$from
  if ($from.depth < 1) return null
  const block = $from.node(1)
  return { at: Date.now(), id: (block.attrs.id as string | null) ?? null, text: serializeInline(block.content) }
}

// Who wrote what an update inserts, and whose words it deletes (a delete set names the deleted
// words' writers, not the deleter).
function clientsOf(update: Uint8Array): { wrote: Set<number>; deleted: Set<number> } {
  const wrote = new Set<number>()
  const deleted = new Set<number>()
  try {
    const decoded = Y.decodeUpdate(update)
    for (const s of decoded.structs) wrote.add(s.id.client)
    for (const c of decoded.ds.clients.keys()) deleted.add(c)
  } catch { /* not decodable: let the size rule decide */ }
  return { wrote, deleted }
}

/**
 * Whether a remote update may be the server's restore or replace: it writes under a client nobody is
 * connected as, or deletes words of several writers at once, of a writer not connected, or of this tab
 * (only the pen or the server deletes another's words). Ordinary typing (a delegation writing and
 * deleting its own words) is not.
 */
function mayBeServerChange(update: Uint8Array, present: Set<number>, own: number): boolean {
  if (update.byteLength >= LARGE_UPDATE) return true
  const { wrote, deleted } = clientsOf(update)
  if ([...wrote].some((c) => !present.has(c))) return true
  if (deleted.size >= 2 || deleted.has(own)) return true
  return [...deleted].some((c) => !present.has(c))
}

/** Watches for restores and replaces and announces them; returns a function that stops watching. */
export function watchRestores(opts: RestoreWatchOptions): () => void {
  let newest = -1
  let known = false
  let typed: Typed | null = null
  let checking: ReturnType<typeof setTimeout> | null = null
  let lastCheck = 0
  const banner = h('div', { class: 'restore-notice', role: 'alert', hidden: true })
  document.body.append(banner)

  const load = () => opts.api.snapshots(opts.doc).then((list) => list).catch(() => null as SnapshotInfo[] | null)
  void load().then((list) => { if (list) { newest = Math.max(-1, ...list.map((s) => s.id)); known = true } })

  function announce(s: SnapshotInfo, kind: 'restored' | 'replaced', what: string, before: Typed | null) {
    const who = s.takenByName || 'The secretariat'
    const message = kind === 'restored'
      ? `${who} restored “${what}” for everyone. The text before is kept as the snapshot “${s.label}”.`
      : `${who} replaced the text with ${what} for everyone. The text before is kept as the snapshot “${s.label}”.`
    const parts: (Node | string)[] = [h('p', {}, message)]
    // Offer back what the person had been typing, when the paragraph no longer reads so.
    const view = opts.view()
    if (before && view && Date.now() - before.at < TYPING_MS) {
      let now: string | null = null
      view.state.doc.forEach((b) => { if (now === null && before.id && b.attrs.id === before.id) now = serializeInline(b.content) })
      if (now !== before.text) {
        const copy = h('button', { type: 'button', class: 'copy-back' }, 'Copy it')
        copy.addEventListener('click', () => {
          void navigator.clipboard?.writeText(before.text).then(() => { copy.textContent = 'Copied' }, () => { copy.textContent = 'Select it and copy' })
        })
        parts.push(h('p', {}, 'You were typing in a paragraph it changed. Your paragraph as you had it (paste it back where you want it):'),
          h('blockquote', { class: 'typed-before' }, before.text), copy)
      }
    }
    const close = h('button', { type: 'button', class: 'close', 'aria-label': 'Close the notice' }, '×')
    close.addEventListener('click', () => { banner.hidden = true })
    banner.replaceChildren(close, ...parts)
    banner.hidden = false
    opts.announced?.()
  }

  async function check(before: Typed | null) {
    checking = null
    lastCheck = Date.now()
    const list = await load()
    if (!list) return
    const fresh = list.filter((s) => s.id > newest).sort((a, b) => a.id - b.id)
    if (!known) { newest = Math.max(-1, ...list.map((s) => s.id)); known = true; return }
    for (const s of fresh) {
      newest = Math.max(newest, s.id)
      const r = RESTORED.exec(s.label)
      const p = r ? null : REPLACED.exec(s.label)
      if (r) announce(s, 'restored', r[1], before)
      else if (p) announce(s, 'replaced', p[1], before)
    }
  }

  const onUpdate = (update: Uint8Array, origin: unknown) => {
    const view = opts.view()
    if (origin !== opts.remoteOrigin) {
      // A local change: remember the paragraph the person is typing in.
      if (view && view.hasFocus()) typed = blockAtSelection(view)
      return
    }
    if (checking) return
    const present = new Set<number>(opts.awareness.getStates().keys())
    present.add(opts.ydoc.clientID)
    if (!mayBeServerChange(update, present, opts.ydoc.clientID)) return
    const before = typed
    // The "Before …" snapshot is stored before the change is applied; a short wait lets a burst settle,
    // and at most one look every CHECK_MS.
    checking = setTimeout(() => void check(before), Math.max(300, lastCheck + CHECK_MS - Date.now()))
  }
  opts.ydoc.on('update', onUpdate)
  return () => { opts.ydoc.off('update', onUpdate); banner.remove() }
}
