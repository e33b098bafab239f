import type { Me } from '../session/types.ts'
import type { Identity } from '../sync/connection.ts'
import { h } from './dom.ts'

const ROLE_COLOURS: Record<string, string> = {
  secretariat: '#1f4e79',
  chair: '#5b5b5b',
  observer: '#777777'
}

function sixDigit(c: string | undefined): string | null {
  if (!c) return null
  if (/^#[0-9a-fA-F]{6}$/.test(c)) return c
  const m = /^#([0-9a-fA-F])([0-9a-fA-F])([0-9a-fA-F])$/.exec(c)
  return m ? `#${m[1]}${m[1]}${m[2]}${m[2]}${m[3]}${m[3]}` : null
}

/** How the signed-in person appears to others: code or role, and a 6-digit colour. */
export function identityOf(me: Me): Identity {
  const entry = me.delegation ? me.roster.find((r) => r.code === me.delegation) : me.role === 'chair' ? me.roster.find((r) => r.code === 'CHAIR') : undefined
  const name = me.delegation ?? me.role.toUpperCase()
  const color = sixDigit(entry?.colour) ?? ROLE_COLOURS[me.role] ?? '#555555'
  return { name, color, role: me.role, delegation: me.delegation }
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
