import type { ComparisonInfo } from '../session/types.ts'
import type { RosterLookup } from '../editor/node-views.ts'
import { h } from '../ui/dom.ts'
import { renderRedline } from './redline.ts'

/** What the compare view needs: the comparison, the roster lookup, and how to go back to the live text. */
export interface CompareViewOptions {
  comparison: ComparisonInfo
  lookup: RosterLookup
  onBack(): void
  /** Downloads the redline as a Word document with tracked changes; absent: no button. */
  downloadWord?(): void
  /** Downloads the redline as a PDF; absent: no button. */
  downloadPdf?(): void
}

/**
 * The compare view shown in place of the text: a banner naming both ends with a way back, the counts
 * per delegation, the list of changes by paragraph (a click scrolls to and focuses the paragraph in
 * the redline), and the redline itself.
 */
export function compareView(opts: CompareViewOptions): HTMLElement {
  const c = opts.comparison
  const toName = c.to === 'live' ? 'the live text' : `“${c.to.label}”`
  const redline = renderRedline(c.blocks, opts.lookup)
  const goTo = (id: string | null) => {
    const el = id ? redline.querySelector<HTMLElement>(`[data-id="${CSS.escape(id)}"]`) : null
    if (!el) return
    el.scrollIntoView({ block: 'center' })
    el.focus({ preventScroll: true })
    el.classList.remove('rl-flash')
    void el.offsetWidth
    el.classList.add('rl-flash')
  }
  const counts = Object.entries(c.byIdentity).sort((a, b) => b[1] - a[1])
  const byWho = h('p', { class: 'by-identity' },
    counts.length ? 'Changes by: ' : 'No changes.',
    ...counts.map(([who, n]) => h('span', { class: 'chip', 'data-by': who, style: `--c: ${/^[A-Z][A-Z0-9_-]{1,11}$/.test(who) ? opts.lookup(who).colour : '#1f4e79'}` }, `${who} ${n}`)))
  const list = h('ol', { class: 'change-list' }, ...c.changes.map((ch) => h('li', { 'data-kind': ch.kind },
    h('button', { type: 'button', class: 'change', onclick: () => goTo(ch.paragraphId) },
      h('span', { class: 'change-where' }, ch.paragraph), ' ', h('span', { class: 'change-summary' }, ch.summary),
      ch.by.length ? h('span', { class: 'change-by' }, ` — ${ch.by.join(', ')}`) : null))))
  const back = h('button', { type: 'button', class: 'back', onclick: opts.onBack }, 'Back to the live text')
  return h('section', { class: 'compare-view', 'aria-labelledby': 'compare-title' },
    h('div', { class: 'view-banner' },
      h('h2', { id: 'compare-title' }, `Comparing “${c.from.label}” with ${toName}`),
      opts.downloadWord ? h('button', { type: 'button', class: 'redline-word', title: 'The redline as a Word document whose changes are tracked revisions (author, date)', onclick: () => opts.downloadWord!() }, 'Redline as Word') : null,
      opts.downloadPdf ? h('button', { type: 'button', class: 'redline-pdf', title: 'The redline as a PDF: insertions underlined, deletions struck, proposed deletions struck dashed, each with who made it, and the date', onclick: () => opts.downloadPdf!() }, 'Redline as PDF') : null,
      back),
    h('div', { class: 'compare-summary' },
      byWho,
      h('h3', {}, `Changes by paragraph (${c.changes.length})`),
      c.changes.length ? list : h('p', { class: 'muted' }, 'Nothing changed.')),
    h('div', { class: 'paper' }, redline))
}
