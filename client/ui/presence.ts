import type { EditorView } from 'prosemirror-view'
import type { Awareness } from 'y-protocols/awareness'
import type { RosterEntry } from '../../shared/roster.ts'
import { FALLBACK_COLOUR, isHexColour } from '../../shared/presence.ts'
import type { Identity } from '../sync/connection.ts'
import { analysisOf } from '../editor/analysis-plugin.ts'
import { h, replaceChildren } from './dom.ts'
import { goTo } from './go-to.ts'
import { cursorPos } from './remote-cursor.ts'

/** Who is connected to this document, by delegation or role, and in which paragraph each one's cursor is. */
export function createPresence(awareness: Awareness, roster: readonly RosterEntry[]): { el: HTMLElement; update(view: EditorView): void } {
  const list = h('ul', { class: 'presence' })
  const el = h('section', { class: 'panel', 'aria-label': 'Presence' }, list)
  return {
    el,
    update(view) {
      // Read on each update: the roster is live.
      const names = new Map(roster.map((r) => [r.code, r.name]))
      const a = analysisOf(view.state)
      const items: HTMLElement[] = []
      awareness.getStates().forEach((state, client) => {
        const user = (state as { user?: Identity }).user
        if (!user || typeof user !== 'object' || typeof user.name !== 'string') return
        const pos = cursorPos(view, state as never)
        const para = pos === null ? null : a.paragraphs.find((p) => p.from <= pos && pos <= p.to)
        const where = para ? para.ref ?? para.label ?? 'text' : null
        const me = client === awareness.clientID
        const name = user.delegation ? `${names.get(user.delegation) ?? user.delegation} (${user.delegation})` : user.name.charAt(0) + user.name.slice(1).toLowerCase()
        // Only a #rrggbb colour ever reaches CSS.
        items.push(h('li', { style: `--c: ${isHexColour(user.color) ? user.color : FALLBACK_COLOUR}`, 'data-role': String(user.role) },
          h('span', { class: 'swatch', 'aria-hidden': 'true' }),
          h('span', { class: 'name' }, name, me ? ' (you)' : ''),
          where && pos !== null && !me ? h('button', { type: 'button', class: 'where', onclick: () => goTo(view, pos), 'aria-label': `Go to ${name}'s cursor in ${where}` }, where) : where ? h('span', { class: 'where' }, where) : null))
      })
      replaceChildren(list, ...items)
    }
  }
}
