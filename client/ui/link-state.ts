import type { LinkState } from '../sync/connection.ts'
import { h } from './dom.ts'

const TEXT: Record<LinkState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting… your edits are kept',
  offline: 'Offline — edits kept on this device',
  refused: 'Sign-in refused'
}

/** The connection indicator: a coloured dot and words, announced politely to screen readers. */
export function linkIndicator(): { el: HTMLElement; set(state: LinkState, reason?: string | null): void } {
  const el = h('span', { class: 'link-state', role: 'status', 'aria-live': 'polite', 'data-state': 'connecting' }, TEXT.connecting)
  return {
    el,
    set(state, reason) {
      el.dataset.state = state
      el.textContent = state === 'refused' && reason ? `${TEXT.refused}: ${reason}` : TEXT[state]
    }
  }
}
