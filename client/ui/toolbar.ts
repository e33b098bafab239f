import type { EditorView } from 'prosemirror-view'
import type { RosterEntry } from '../../shared/roster.ts'
import { ACTIONS, keyLabel, lockedHere, type ActionContext } from '../editor/actions.ts'
import { h } from './dom.ts'

/** The toolbar and the delegation it speaks for. */
export interface Toolbar {
  el: HTMLElement
  /** Enables/disables buttons for the current state. */
  update(view: EditorView): void
  /** Refills the delegation picker from the roster (changed in place). */
  refreshRoster(): void
}

/**
 * The negotiation toolbar: one button per action (accessible name, shortcut in the tooltip).
 * Secretariat and chair get a roster picker for the delegation speaking; a delegation's own code is fixed.
 * Arrow keys move between buttons (one tab stop, as WAI-ARIA toolbars do).
 */
export function createToolbar(opts: {
  getView: () => EditorView | null
  ctx: ActionContext
  roster: readonly RosterEntry[]
  fixedDelegation: string | null
  onSpeakingChange: (code: string | null) => void
  initialSpeaking: string | null
  onHelp: () => void
}): Toolbar {
  const buttons = new Map<string, HTMLButtonElement>()
  const groups = new Map<string, HTMLElement>()
  for (const a of ACTIONS) {
    let g = groups.get(a.group)
    if (!g) { g = h('div', { class: `tool-group tool-${a.group}`, role: 'group', 'aria-label': a.group }); groups.set(a.group, g) }
    const btn = h('button', {
      type: 'button', class: `tool tool-${a.id}`, 'data-action': a.id,
      'aria-label': a.label, title: `${a.label} (${keyLabel(a.keys[0])})`, tabindex: '-1',
      'aria-keyshortcuts': a.keys[0].replace(/Mod/, 'Control').replace(/-(?=.)/g, '+')
    }, a.short)
    // mousedown would take the focus (and the selection) away from the text.
    btn.addEventListener('mousedown', (e) => e.preventDefault())
    btn.addEventListener('click', () => {
      const view = opts.getView()
      if (!view) return
      a.run(view, opts.ctx)
      if (a.id !== 'qualifier' && a.id !== 'note') view.focus()
    })
    buttons.set(a.id, btn)
    g.append(btn)
  }
  let speakingEl: HTMLElement
  let refreshRoster = () => {}
  if (opts.fixedDelegation) {
    const entry = opts.roster.find((r) => r.code === opts.fixedDelegation)
    speakingEl = h('span', { class: 'speaking fixed', style: `--c: ${entry?.colour ?? '#666'}` },
      'Positions as ', h('strong', {}, opts.fixedDelegation))
  } else {
    const select = h('select', { id: 'speaking-for', 'aria-label': 'Delegation speaking (positions and notes are entered for it)' },
      h('option', { value: '' }, '— delegation speaking —'),
      ...opts.roster.map((r) => h('option', { value: r.code, selected: r.code === opts.initialSpeaking }, `${r.code} — ${r.name}`)))
    // The roster is live: a delegation added during the meeting can be chosen at once.
    refreshRoster = () => {
      const v = select.value
      select.replaceChildren(h('option', { value: '' }, '— delegation speaking —'),
        ...opts.roster.map((r) => h('option', { value: r.code, selected: r.code === v }, `${r.code} — ${r.name}`)))
    }
    select.addEventListener('change', () => {
      opts.onSpeakingChange(select.value || null)
      const v = opts.getView()
      if (v) update(v)
    })
    speakingEl = h('label', { class: 'speaking' }, 'For ', select)
  }
  const help = h('button', { type: 'button', class: 'tool tool-help', 'aria-label': 'Keyboard shortcuts and help', title: 'Help (F1)', tabindex: '-1', onclick: opts.onHelp }, '?')
  const el = h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Negotiation commands', 'aria-controls': 'podium-text' },
    ...groups.values(), h('div', { class: 'tool-group' }, speakingEl, help))
  // Roving tab index: Tab enters the toolbar once, arrows move within it.
  const focusables = () => [...el.querySelectorAll<HTMLElement>('button:not([disabled]), select')]
  const first = () => focusables()[0]
  el.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft' && e.key !== 'Home' && e.key !== 'End') return
    if (e.target instanceof HTMLSelectElement && (e.key === 'Home' || e.key === 'End')) return
    const list = focusables()
    const i = list.indexOf(document.activeElement as HTMLElement)
    const next = e.key === 'Home' ? 0 : e.key === 'End' ? list.length - 1 : (i + (e.key === 'ArrowRight' ? 1 : -1) + list.length) % list.length
    for (const b of list) b.tabIndex = -1
    list[next].tabIndex = 0
    list[next].focus()
    e.preventDefault()
  })
  function update(view: EditorView) {
    // In an agreed ad ref paragraph a delegation can change nothing: every button but undo says why.
    const locked = lockedHere(view.state, opts.ctx)
    for (const a of ACTIONS) {
      const btn = buttons.get(a.id)!
      const blocked = locked !== null && a.group !== 'history'
      const on = view.editable && !blocked && a.enabled(view.state, opts.ctx)
      btn.disabled = !on
      const why = !blocked && !on && view.editable ? a.why?.(view.state, opts.ctx) ?? null : null
      btn.title = blocked ? locked : why ?? `${a.label} (${keyLabel(a.keys[0])})`
    }
    if (!el.querySelector('[tabindex="0"]')) { const f = first(); if (f) f.tabIndex = 0 }
  }
  return { el, update, refreshRoster: () => refreshRoster() }
}
