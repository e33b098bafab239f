import type { EditorView } from 'prosemirror-view'
import type { ParagraphInfo } from '../../shared/analysis/index.ts'
import { analysisOf } from '../editor/analysis-plugin.ts'
import { h } from './dom.ts'
import { goTo } from './go-to.ts'

function firstWords(view: EditorView, from: number, to: number): string {
  const text = view.state.doc.textBetween(from, to, ' ', ' ').trim()
  return text.length > 48 ? text.slice(0, 47) + '…' : text
}

/** One row of the outline: a button that goes to paragraph `i`. */
function row(view: EditorView, p: ParagraphInfo, i: number, words: string, n: number): HTMLElement {
  const label = p.ref ?? p.label
  return h('li', { 'data-status': p.status, ...(p.adref ? { 'data-adref': '' } : {}) },
    h('button', {
      type: 'button', class: 'outline-item',
      'aria-label': `${label ?? 'Paragraph'}: ${p.adref ? 'agreed ad ref' : p.status}${n ? `, ${n} brackets` : ''}`,
      onclick: () => goTo(view, (analysisOf(view.state).paragraphs[i]?.from ?? p.from) + 1)
    },
    h('span', { class: `status-dot ${p.status}`, 'aria-hidden': 'true' }),
    h('span', { class: 'outline-label' }, label ?? '¶'),
    h('span', { class: 'outline-words' }, words),
    n ? h('span', { class: 'count', title: 'open brackets' }, `[${n}]`) : null,
    p.adref ? h('span', { class: 'adref', title: 'Agreed ad ref: locked' }, 'ad ref') : null))
}

/** The outline: every paragraph with its label and status (agreed/open) and its count of brackets; a click goes there. */
export function createOutline(): { el: HTMLElement; update(view: EditorView): void } {
  const list = h('ol', { class: 'outline' })
  const summary = h('p', { class: 'summary' })
  const el = h('section', { class: 'panel', 'aria-label': 'Outline' }, summary, list)
  // What each row shows: a row is drawn again only when what it shows changed (typing moves
  // positions, not labels; thirty delegations typing must not rebuild hundreds of rows four times a
  // second), and a click reads where the paragraph is now.
  let rows: { sig: string; el: HTMLElement }[] = []
  return {
    el,
    update(view) {
      const a = analysisOf(view.state)
      const text = `${a.totals.paragraphs} paragraphs: ${a.totals.agreed} agreed, ${a.totals.open} open · ${a.totals.brackets} brackets`
      if (summary.textContent !== text) summary.textContent = text
      const items = a.paragraphs.map((p, i) => ({ p, i })).filter(({ p }) => p.kind === 'paragraph' || p.label)
      rows = items.map(({ p, i }, k) => {
        const words = (p.ref ?? p.label) ? '' : firstWords(view, p.from, p.to)
        const n = p.brackets.filter((b) => b.depth === 1).length
        const sig = `${i}|${p.ref ?? p.label}|${p.status}|${p.adref}|${n}|${words}`
        const old = rows[k]
        return old?.sig === sig ? old : { sig, el: row(view, p, i, words, n) }
      })
      // Rows are reused only at their own index, so a changed row replaces the one in its place.
      rows.forEach(({ el: want }, k) => {
        const at = list.children[k]
        if (at === want) return
        if (at) list.replaceChild(want, at)
        else list.append(want)
      })
      while (list.children.length > rows.length) list.lastElementChild!.remove()
    }
  }
}
