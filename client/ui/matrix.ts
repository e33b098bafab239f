import type { EditorView } from 'prosemirror-view'
import type { RosterEntry } from '../../shared/roster.ts'
import { analysisOf } from '../editor/analysis-plugin.ts'
import { h, replaceChildren } from './dom.ts'
import { goTo } from './go-to.ts'

/**
 * The positions matrix: one row per bracket, one column per delegation holding a position
 * (+, −, with qualifier). A click on a row or cell goes to that bracket. The filter narrows to one
 * delegation: its column and the brackets it has a position on.
 */
export function createMatrix(roster: readonly RosterEntry[]): { el: HTMLElement; update(view: EditorView): void } {
  const filter = h('select', { id: 'matrix-filter', 'aria-label': 'Show one delegation' }, h('option', { value: '' }, 'All delegations'))
  const table = h('table', { class: 'matrix' })
  const el = h('section', { class: 'panel', 'aria-label': 'Positions' }, h('label', { class: 'filter' }, 'Filter ', filter), h('div', { class: 'matrix-scroll' }, table))
  let lastView: EditorView | null = null
  filter.addEventListener('change', () => { if (lastView) update(lastView) })
  function update(view: EditorView) {
    lastView = view
    // Read on each update: the roster is live (delegations added or recoloured during the meeting).
    const order = new Map(roster.map((r, i) => [r.code, i]))
    const colour = new Map(roster.map((r) => [r.code, r.colour]))
    const a = analysisOf(view.state)
    const rows = a.paragraphs.flatMap((p) => p.brackets.map((b) => ({ p, b })))
    const holders = new Set<string>()
    for (const { b } of rows) for (const s of [...b.supporters, ...b.opponents]) holders.add(s.delegation)
    const codes = [...holders].sort((x, y) => (order.get(x) ?? 999) - (order.get(y) ?? 999) || x.localeCompare(y))
    // Keep the filter's options in step with who holds positions.
    const chosen = filter.value
    const options = ['', ...codes]
    if ([...filter.options].map((o) => o.value).join() !== options.join()) {
      replaceChildren(filter, h('option', { value: '' }, 'All delegations'), ...codes.map((c) => h('option', { value: c, selected: c === chosen }, c)))
    }
    const cols = chosen ? [chosen] : codes
    const shown = chosen ? rows.filter(({ b }) => [...b.supporters, ...b.opponents].some((s) => s.delegation === chosen)) : rows.filter(({ b }) => b.supporters.length + b.opponents.length > 0)
    const head = h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Bracket'),
      ...cols.map((c) => h('th', { scope: 'col', style: `--c: ${colour.get(c) ?? '#666'}` }, h('span', { class: 'col-code' }, c)))))
    const body = h('tbody', {}, ...shown.map(({ p, b }) => {
      const where = `${p.ref ?? p.label ?? '¶'}`
      const excerpt = b.text.length > 32 ? b.text.slice(0, 31) + '…' : b.text
      const go = () => goTo(view, b.from + 1)
      return h('tr', { 'data-depth': String(b.depth) },
        h('th', { scope: 'row' }, h('button', { type: 'button', class: 'bracket-ref', onclick: go, 'aria-label': `Go to bracket in ${where}: ${excerpt}` },
          h('span', { class: 'where' }, where), ' ', h('span', { class: 'excerpt' }, `[${excerpt}]`))),
        ...cols.map((c) => {
          const sup = b.supporters.find((s) => s.delegation === c)
          const opp = b.opponents.find((s) => s.delegation === c)
          const hit = sup ?? opp
          if (!hit) return h('td', {})
          const sign = sup ? '+' : '−'
          const words = `${c} ${sup ? 'supports' : 'opposes'}${hit.qualifier ? ' ' + hit.qualifier : ''} (${where})`
          return h('td', { class: sup ? 'support' : 'oppose', style: `--c: ${colour.get(c) ?? '#666'}` },
            h('button', { type: 'button', onclick: go, title: words, 'aria-label': words }, sign, hit.qualifier ? h('sup', {}, '*') : null))
        }))
    }))
    replaceChildren(table, head, body)
    if (shown.length === 0) replaceChildren(table, h('caption', {}, chosen ? `${chosen} holds no positions.` : 'No positions yet.'))
  }
  return { el, update }
}
