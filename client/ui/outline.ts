import type { EditorView } from 'prosemirror-view'
import { analysisOf } from '../editor/analysis-plugin.ts'
import { h, replaceChildren } from './dom.ts'
import { goTo } from './go-to.ts'

function firstWords(view: EditorView, from: number, to: number): string {
  const text = view.state.doc.textBetween(from, to, ' ', ' ').trim()
  return text.length > 48 ? text.slice(0, 47) + '…' : text
}

/** The outline: every paragraph with its label and status (agreed/open) and its count of brackets; a click goes there. */
export function createOutline(): { el: HTMLElement; update(view: EditorView): void } {
  const list = h('ol', { class: 'outline' })
  const summary = h('p', { class: 'summary' })
  const el = h('section', { class: 'panel', 'aria-label': 'Outline' }, summary, list)
  // What the list showed last: it is drawn again only when what it shows changed (typing moves
  // positions, not labels), and a click reads where the paragraph is now.
  let shown = ''
  return {
    el,
    update(view) {
      const a = analysisOf(view.state)
      const text = `${a.totals.paragraphs} paragraphs: ${a.totals.agreed} agreed, ${a.totals.open} open · ${a.totals.brackets} brackets`
      if (summary.textContent !== text) summary.textContent = text
      const items = a.paragraphs.map((p, i) => ({ p, i })).filter(({ p }) => p.kind === 'paragraph' || p.label)
      const words = items.map(({ p }) => (p.ref ?? p.label) ? '' : firstWords(view, p.from, p.to))
      const signature = items.map(({ p, i }, k) => `${i}|${p.ref ?? p.label}|${p.status}|${p.adref}|${p.brackets.filter((b) => b.depth === 1).length}|${words[k]}`).join('\n')
      if (signature === shown) return
      shown = signature
      replaceChildren(list, ...items.map(({ p, i }, k) => {
        const label = p.ref ?? p.label
        const n = p.brackets.filter((b) => b.depth === 1).length
        return h('li', { 'data-status': p.status, ...(p.adref ? { 'data-adref': '' } : {}) },
          h('button', {
            type: 'button', class: 'outline-item',
            'aria-label': `${label ?? 'Paragraph'}: ${p.adref ? 'agreed ad ref' : p.status}${n ? `, ${n} brackets` : ''}`,
            onclick: () => goTo(view, (analysisOf(view.state).paragraphs[i]?.from ?? p.from) + 1)
          },
          h('span', { class: `status-dot ${p.status}`, 'aria-hidden': 'true' }),
          h('span', { class: 'outline-label' }, label ?? '¶'),
          h('span', { class: 'outline-words' }, words[k]),
          n ? h('span', { class: 'count', title: 'open brackets' }, `[${n}]`) : null,
          p.adref ? h('span', { class: 'adref', title: 'Agreed ad ref: locked' }, 'ad ref') : null))
      }))
    }
  }
}
