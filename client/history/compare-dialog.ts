import type { SnapshotInfo } from '../session/types.ts'
import { h } from '../ui/dom.ts'
import { when } from './labels.ts'

/**
 * Asks which two states to compare: a snapshot (from) and a later snapshot or the live text (to).
 * Resolves with the pair, or null when cancelled.
 */
export function pickComparison(snapshots: readonly SnapshotInfo[], initialFrom?: number): Promise<{ from: number; to: number | 'live' } | null> {
  return new Promise((resolve) => {
    const newest = [...snapshots].reverse()
    const option = (s: SnapshotInfo, selected: boolean) => h('option', { value: String(s.id), selected }, `${s.label} (${when(s.createdAt)})`)
    const from = h('select', { id: 'compare-from' }, ...newest.map((s, i) => option(s, initialFrom ? s.id === initialFrom : i === 0)))
    const to = h('select', { id: 'compare-to' }, h('option', { value: 'live', selected: true }, 'The live text'), ...newest.map((s) => option(s, false)))
    const problem = h('p', { class: 'problem', role: 'alert' })
    const form = h('form', { method: 'dialog' },
      h('h2', { id: 'compare-dialog-title' }, 'Compare'),
      h('label', { for: 'compare-from' }, 'From'), from,
      h('label', { for: 'compare-to' }, 'To'), to,
      problem,
      h('div', { class: 'dialog-buttons' },
        h('button', { type: 'submit', class: 'primary' }, 'Compare'),
        h('button', { type: 'button', onclick: () => dialog.close('cancel') }, 'Cancel')))
    const dialog = h('dialog', { class: 'compare-dialog', 'aria-labelledby': 'compare-dialog-title' }, form)
    form.addEventListener('submit', (e) => {
      e.preventDefault()
      if (from.value === to.value) { problem.textContent = 'Pick two different states.'; return }
      dialog.close('ok')
    })
    dialog.addEventListener('close', () => {
      dialog.remove()
      resolve(dialog.returnValue === 'ok' ? { from: Number(from.value), to: to.value === 'live' ? 'live' : Number(to.value) } : null)
    })
    document.body.append(dialog)
    dialog.showModal()
    from.focus()
  })
}
