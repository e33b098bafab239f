import type { Api } from '../session/api.ts'
import { ApiError } from '../session/api.ts'
import type { Me, SnapshotInfo } from '../session/types.ts'
import { h, replaceChildren } from '../ui/dom.ts'
import { ask } from '../ui/ask.ts'
import { confirmDialog } from '../ui/confirm.ts'
import { exportMenu } from '../transfer/export-menu.ts'
import { progressChart } from './chart.ts'
import { pickComparison } from './compare-dialog.ts'
import { defaultSnapshotLabel, takenBy, totalsLine, when } from './labels.ts'

/** What the History panel needs from the document page. */
export interface HistoryPanelOptions {
  api: Api
  doc: string
  me: Me
  say(message: string, problem?: boolean): void
  /** Shows a snapshot read-only in place of the live text. */
  view(snapshot: SnapshotInfo): void
  /** Shows a comparison in place of the live text. */
  compare(from: number | 'last-cob', to: number | 'live'): void
  /** After a restore: back to the live text. */
  restored(): void
}

/** The History panel: its element, `update` (called as the text changes; refetches at most every few seconds) and `refresh` (at once). */
export interface HistoryPanel {
  el: HTMLElement
  update(): void
  refresh(): Promise<void>
}

const REFETCH_MS = 5000

/**
 * The History side tab: snapshots newest first (label, when, who, totals), a chart of open brackets
 * and agreed paragraphs per COB snapshot, and the actions: Take snapshot and Restore (secretariat,
 * chair), View, Export, Compare… and Since last COB.
 */
export function createHistoryPanel(opts: HistoryPanelOptions): HistoryPanel {
  const mayTake = opts.me.role === 'secretariat' || opts.me.role === 'chair'
  let snapshots: SnapshotInfo[] = []
  let fetched = 0
  const fail = (e: unknown) => opts.say(e instanceof ApiError ? `Refused (${e.status}): ${e.message}` : String(e), true)

  const take = h('button', { type: 'button', class: 'primary', onclick: () => void takeOne() }, 'Take snapshot…')
  const sinceCob = h('button', { type: 'button', onclick: () => opts.compare('last-cob', 'live'), title: 'Compare the last COB snapshot (or else the last snapshot) with the live text' }, 'Since last COB')
  const compare = h('button', { type: 'button', onclick: () => void compareSome() }, 'Compare…')
  const chart = h('div', { class: 'chart-slot' })
  const list = h('ol', { class: 'snapshots', 'aria-label': 'Snapshots, newest first' })
  const el = h('section', { class: 'panel history', 'aria-label': 'History' },
    h('div', { class: 'history-actions' }, mayTake ? take : null, sinceCob, compare),
    chart, list)

  async function takeOne() {
    const offered = defaultSnapshotLabel(opts.me.meeting.timeZone)
    const label = await ask('Take a snapshot', 'Label', offered)
    if (label === null) return
    try {
      // The offered label unchanged: let the server stamp it with its own clock.
      const s = await opts.api.takeSnapshot(opts.doc, label.trim() && label !== offered ? label.trim() : undefined)
      opts.say(`Snapshot taken: ${s.label}.`)
      await refresh()
    } catch (e) { fail(e) }
  }

  async function compareSome(from?: number) {
    if (snapshots.length === 0) { opts.say('There is no snapshot to compare yet.', true); return }
    const pair = await pickComparison(snapshots, from)
    if (pair) opts.compare(pair.from, pair.to)
  }

  async function restoreOne(s: SnapshotInfo) {
    const ok = await confirmDialog(`Restore “${s.label}”?`,
      `The live text becomes the text of this snapshot, for everyone, as a new change. A snapshot of the current text is taken first, so nothing is lost.`,
      'Restore')
    if (!ok) return
    try {
      const r = await opts.api.restore(opts.doc, s.id)
      opts.say(`Restored “${s.label}”. The text before is kept as “${r.before.label}”.`)
      opts.restored()
      await refresh()
    } catch (e) { fail(e) }
  }

  function render() {
    replaceChildren(chart, progressChart(snapshots))
    compare.disabled = sinceCob.disabled = snapshots.length === 0
    const newest = [...snapshots].reverse()
    replaceChildren(list, ...newest.map((s) => h('li', { class: 'snapshot', 'data-snapshot': String(s.id), 'data-cob': s.cobDate ? 'true' : 'false' },
      h('div', { class: 'snapshot-label' }, s.cobDate ? h('span', { class: 'badge', title: 'Taken at close of business' }, 'COB') : null, s.label),
      h('div', { class: 'snapshot-meta muted' }, `${when(s.createdAt)} · ${takenBy(s)}`),
      h('div', { class: 'snapshot-totals' }, totalsLine(s)),
      h('div', { class: 'snapshot-actions' },
        h('button', { type: 'button', 'aria-label': `View ${s.label}`, onclick: () => opts.view(s) }, 'View'),
        h('button', { type: 'button', 'aria-label': `Compare ${s.label} with…`, onclick: () => void compareSome(s.id) }, 'Compare…'),
        exportMenu({ api: opts.api, doc: opts.doc, snapshot: { id: s.id, label: s.label }, say: opts.say }),
        mayTake ? h('button', { type: 'button', 'aria-label': `Restore ${s.label}`, onclick: () => void restoreOne(s) }, 'Restore…') : null))))
    if (snapshots.length === 0) replaceChildren(list, h('li', { class: 'muted' }, 'No snapshots yet.'))
  }

  async function refresh() {
    fetched = Date.now()
    try {
      snapshots = await opts.api.snapshots(opts.doc)
    } catch (e) { fail(e); return }
    render()
  }

  return {
    el,
    update() { if (Date.now() - fetched > REFETCH_MS) void refresh() },
    refresh
  }
}
