import type { EditorView } from 'prosemirror-view'
import type { RosterEntry } from '../../shared/roster.ts'
import type { Api } from '../session/api.ts'
import { ApiError } from '../session/api.ts'
import type { SnapshotInfo } from '../session/types.ts'
import { rosterLookup } from '../editor/node-views.ts'
import { h } from '../ui/dom.ts'
import { exportMenu } from '../transfer/export-menu.ts'
import { saveBlob } from '../transfer/download.ts'
import { snapshotView } from './snapshot-view.ts'
import { compareView } from './compare-view.ts'

/** What the stage needs: the column it owns, the live text's elements in it, and the page's parts it quiets. */
export interface StageOptions {
  api: Api
  doc: string
  roster: readonly RosterEntry[]
  /** The paper column; the stage adds its alternative views to it. */
  column: HTMLElement
  /** The live text's elements (hidden, never destroyed, while another view is shown: sync goes on). */
  live: HTMLElement[]
  /** The toolbar, made inert while the live text is not shown (its commands act on the live text). */
  toolbar: HTMLElement | null
  /** The live editor, focused on the way back. */
  liveView(): EditorView | null
  say(message: string, problem?: boolean): void
}

/** What the paper column shows: the live text, a snapshot read-only, or a comparison. */
export interface Stage {
  readonly showing: 'live' | 'snapshot' | 'compare'
  viewSnapshot(s: SnapshotInfo): Promise<void>
  compare(from: number | 'last-cob', to: number | 'live'): Promise<void>
  backToLive(): void
}

/**
 * The paper column's views. A snapshot opens in a read-only editor under a banner "Viewing: <label> —
 * read-only" with Export and "Back to the live text"; a comparison opens the compare view. Escape
 * in either goes back to the live text.
 */
export function createStage(opts: StageOptions): Stage {
  let showing: Stage['showing'] = 'live'
  let alt: HTMLElement | null = null
  let readOnly: EditorView | null = null
  const lookup = rosterLookup(opts.roster)
  const fail = (e: unknown) => opts.say(e instanceof ApiError ? `Refused (${e.status}): ${e.message}` : String(e), true)

  function show(el: HTMLElement, what: Stage['showing']) {
    clear()
    alt = el
    showing = what
    for (const e of opts.live) e.hidden = true
    if (opts.toolbar) opts.toolbar.inert = true
    opts.column.append(el)
    // The view starts at its top (the sticky header and toolbar would cover a scrolled-to column).
    window.scrollTo({ top: 0 })
    el.querySelector<HTMLElement>('h2')?.focus({ preventScroll: true })
  }
  function clear() {
    readOnly?.destroy()
    readOnly = null
    alt?.remove()
    alt = null
  }
  // Escape anywhere on the page (not inside a dialog or menu, which close themselves) goes back.
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || e.defaultPrevented || showing === 'live') return
    if ((e.target as Element | null)?.closest?.('dialog, [role=menu]')) return
    backToLive()
  })
  function backToLive() {
    if (showing === 'live') return
    clear()
    showing = 'live'
    for (const e of opts.live) e.hidden = false
    if (opts.toolbar) opts.toolbar.inert = false
    opts.liveView()?.focus()
  }

  return {
    get showing() { return showing },
    async viewSnapshot(s) {
      let full
      try { full = await opts.api.snapshot(opts.doc, s.id) } catch (e) { fail(e); return }
      const mount = h('div', { class: 'paper snapshot-paper' })
      const el = h('section', { class: 'snapshot-view', 'aria-labelledby': 'snapshot-title' },
        h('div', { class: 'view-banner' },
          h('h2', { id: 'snapshot-title', tabindex: '-1' }, `Viewing: ${s.label} — read-only`),
          exportMenu({ api: opts.api, doc: opts.doc, snapshot: { id: s.id, label: s.label }, say: opts.say }),
          h('button', { type: 'button', class: 'back', onclick: backToLive }, 'Back to the live text')),
        mount)
      show(el, 'snapshot')
      readOnly = snapshotView(mount, full.doc, opts.roster, `${s.label} (read only)`)
    },
    async compare(from, to) {
      let c
      try { c = await opts.api.compare(opts.doc, from, to) } catch (e) { fail(e); return }
      const toId = c.to === 'live' ? 'live' as const : c.to.id
      const downloadWord = () => void opts.api.compareDocx(opts.doc, c.from.id, toId).then(({ blob, filename }) => saveBlob(blob, filename), fail)
      const downloadPdf = () => {
        opts.say('Printing the redline as PDF…')
        void opts.api.comparePdf(opts.doc, c.from.id, toId).then(({ blob, filename }) => { saveBlob(blob, filename); opts.say(`Saved ${filename}.`) }, fail)
      }
      const el = compareView({ comparison: c, lookup, onBack: backToLive, downloadWord, downloadPdf })
      el.querySelector('h2')?.setAttribute('tabindex', '-1')
      show(el, 'compare')
    },
    backToLive
  }
}
