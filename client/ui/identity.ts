import type { Me } from '../session/types.ts'
import type { Identity } from '../sync/connection.ts'
import { h } from './dom.ts'
import { presenceUserOf } from '../../shared/presence.ts'

/** How the signed-in person appears to others: code or role, and a 6-digit colour (the server sets the same from the token). */
export function identityOf(me: Me): Identity {
  return presenceUserOf(me, me.roster)
}

/** "India (IND)", "Secretariat", "Chair", "Observer", with the token's label when it has one. */
export function displayName(me: Me): string {
  if (me.delegation) {
    const entry = me.roster.find((r) => r.code === me.delegation)
    return entry ? `${entry.name} (${entry.code})` : me.delegation
  }
  const role = me.role.charAt(0).toUpperCase() + me.role.slice(1)
  return me.label && me.label.toLowerCase() !== me.role ? `${role} — ${me.label}` : role
}

/** A chip showing who you are, in your colour. */
export function whoChip(me: Me): HTMLElement {
  const id = identityOf(me)
  return h('span', { class: 'who', style: `--c: ${id.color}`, 'data-role': me.role, title: 'Signed in as' },
    h('span', { class: 'swatch', 'aria-hidden': 'true' }), displayName(me))
}
