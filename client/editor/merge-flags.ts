import * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import type { Node } from 'prosemirror-model'
import type { EditorView } from 'prosemirror-view'
import { TextSelection } from 'prosemirror-state'
import { serializeInline } from '../../shared/format/index.ts'
import { analyse } from '../../shared/analysis/index.ts'
import type { LinkState } from '../sync/connection.ts'
import { h } from '../ui/dom.ts'

// Work done apart and merged by Yjs can read as nonsense ("our firmunwavering determination resolve"):
// Yjs keeps both sides' letters, it cannot know what either meant. So after a reconnect, a paragraph
// that both sides changed while apart is flagged to both — "PP4: merged with CHN's change — check" —
// with this side's version and the merged text at hand. Nothing is changed automatically.
//
// "Apart" is seen from each side: this tab was offline or reconnecting (its edits meanwhile, then what
// arrives on return), or another writer's edits arrive in one late batch (it was offline: silent for a
// while, then a backlog) touching a paragraph this tab changed since that writer was last heard.

/** A writer silent this long, then sending a batch this large, is taken as coming back from apart. */
const SILENT_MS = 4000
const BACKLOG_BYTES = 60
/** After this tab's own return, what arrives this long counts as the other side's work meanwhile. */
const RETURN_WINDOW_MS = 5000

export interface MergeFlagOptions {
  ydoc: Y.Doc
  awareness: Awareness
  remoteOrigin: unknown
  view(): EditorView | null
  onState(fn: (s: LinkState) => void): void
}

interface Edit { at: number; text: string }

function nameOf(awareness: Awareness, client: number): string | null {
  const user = (awareness.getStates().get(client) as { user?: { delegation?: string | null; role?: string; name?: string } } | undefined)?.user
  if (!user) return null
  return user.delegation || (user.role ? user.role.charAt(0).toUpperCase() + user.role.slice(1) : user.name ?? null)
}

/** Watches for merges of work done apart and flags the paragraphs both sides changed; returns a stop function. */
export function watchMerges(opts: MergeFlagOptions): () => void {
  const mine = new Map<string, Edit>()
  const heard = new Map<number, number>()
  const names = new Map<number, string>()
  let apartSince: number | null = null
  let returnedAt = 0
  let lastDoc: Node | null = null
  let pending: { since: number; who: Set<number> } | null = null
  const panel = h('section', { class: 'merge-flags', 'aria-label': 'Merged changes to check', hidden: true })
  const list = h('ol', {})
  panel.append(h('h2', {}, 'Merged — please check'), list)
  document.body.append(panel)

  const remember = () => {
    // Presence tells who a client is; kept after they leave, for the flag's wording.
    for (const c of opts.awareness.getStates().keys()) { const n = nameOf(opts.awareness, c); if (n) names.set(c, n) }
  }
  opts.awareness.on('change', remember)

  opts.onState((s) => {
    if (s === 'live') { if (apartSince !== null) { returnedAt = Date.now(); pending = { since: apartSince, who: pending?.since === apartSince ? pending.who : new Set() } } apartSince = null }
    else if (apartSince === null && s !== 'connecting') apartSince = Date.now()
  })

  function changedBlocks(prev: Node | null, doc: Node): Map<string, Node> {
    const out = new Map<string, Node>()
    const before = new Map<string, Node>()
    prev?.forEach((b) => { if (b.attrs.id) before.set(b.attrs.id as string, b) })
    doc.forEach((b) => { const id = b.attrs.id as string | null; if (id && before.get(id) !== b) out.set(id, b) })
    return out
  }

  function flag(id: string, label: string, yours: string, merged: string, who: string[]) {
    const view = opts.view()
    const go = h('button', { type: 'button' }, 'Go there')
    go.addEventListener('click', () => {
      if (!view) return
      let pos = -1
      view.state.doc.forEach((b, offset) => { if (pos < 0 && b.attrs.id === id) pos = offset + 1 })
      if (pos < 0) return
      view.dispatch(view.state.tr.setSelection(TextSelection.create(view.state.doc, pos)).scrollIntoView())
      view.focus()
    })
    const dismiss = h('button', { type: 'button' }, 'Checked')
    const item = h('li', { 'data-id': id },
      h('p', { class: 'merge-what' }, `${label}: merged with ${who.length ? who.join(', ') : 'another'}'s change — check`),
      h('p', {}, h('strong', {}, 'Yours: '), h('span', { class: 'merge-yours' }, yours)),
      h('p', {}, h('strong', {}, 'As merged: '), h('span', { class: 'merge-now' }, merged)),
      go, dismiss)
    dismiss.addEventListener('click', () => { item.remove(); panel.hidden = list.childElementCount === 0 })
    list.querySelector(`li[data-id="${CSS.escape(id)}"]`)?.remove()
    list.append(item)
    panel.hidden = false
  }

  function examine(prev: Node | null, since: number, who: Set<number>) {
    const view = opts.view()
    if (!view) return
    const doc = view.state.doc
    const changed = changedBlocks(prev, doc)
    if (changed.size === 0) return
    const labels = new Map<string, string>()
    for (const [id, block] of changed) {
      const edit = mine.get(id)
      if (!edit || edit.at < since) continue
      const now = serializeInline(block.content)
      if (now === edit.text) continue
      if (labels.size === 0) for (const p of analyse(doc).paragraphs) if (p.id) labels.set(p.id, p.ref ?? '')
      const label = labels.get(id) || `"${now.slice(0, 30)}…"`
      flag(id, label, edit.text, now, [...who].map((c) => names.get(c) ?? nameOf(opts.awareness, c)).filter((n): n is string => !!n))
      // Flagged once per merge: the next change is judged afresh.
      mine.set(id, { at: 0, text: now })
    }
  }

  const onUpdate = (update: Uint8Array, origin: unknown) => {
    const view = opts.view()
    if (!view) return
    if (origin !== opts.remoteOrigin) {
      // A local change: remember what this tab made of the paragraph (and take the doc as seen).
      if (!view.hasFocus()) return
      const $from = view.state.selection.$from
      if ($from.depth >= 1) {
        const block = $from.node(1)
        if (block.attrs.id) mine.set(block.attrs.id as string, { at: Date.now(), text: serializeInline(block.content) })
      }
      lastDoc = view.state.doc
      return
    }
    remember()
    const now = Date.now()
    const prev = lastDoc
    lastDoc = view.state.doc
    let since: number | null = null
    const writers = new Set<number>()
    try { for (const s of Y.decodeUpdate(update).structs) writers.add(s.id.client) } catch { /* ignore */ }
    writers.delete(opts.ydoc.clientID)
    // This tab is coming back (syncing) or just came back: what arrives is the others' work meanwhile.
    const returning = apartSince !== null ? apartSince : pending && now - returnedAt < RETURN_WINDOW_MS ? pending.since : null
    if (returning !== null) {
      since = returning
      if (!pending || apartSince !== null) pending = { since: returning, who: pending?.since === returning ? pending.who : new Set() }
      for (const w of writers) pending.who.add(w)
    }
    // Another writer comes back with a backlog.
    for (const w of writers) {
      const last = heard.get(w)
      if (last !== undefined && now - last > SILENT_MS && update.byteLength >= BACKLOG_BYTES) since = since === null ? last : Math.min(since, last)
      heard.set(w, now)
    }
    if (since === null) return
    const who = returning !== null && pending ? pending.who : writers
    // y-prosemirror has applied the update to the view when Yjs reports it.
    examine(prev, since, who)
  }
  opts.ydoc.on('update', onUpdate)
  return () => { opts.ydoc.off('update', onUpdate); opts.awareness.off('change', remember); panel.remove() }
}
