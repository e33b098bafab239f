// Presence (awareness `user`): who a connection is, as the others see it. The server sets it from
// the connection's token; the client draws it. Colours are `#rrggbb` only: they go into CSS.

import type { RosterEntry } from './roster.ts'

/** The awareness `user` field of a connection. */
export interface PresenceUser {
  /** Cursor label: the delegation code, or SECRETARIAT / CHAIR / OBSERVER. */
  name: string
  /** `#rrggbb` (y-prosemirror only accepts 6-digit colours). */
  color: string
  role: string
  delegation: string | null
}

/** Colours of the roles that speak for no delegation. */
export const ROLE_COLOURS: Readonly<Record<string, string>> = Object.freeze({
  secretariat: '#1f4e79',
  chair: '#5b5b5b',
  observer: '#777777',
  delegation: '#555555'
})

/** The fallback colour for anything else. */
export const FALLBACK_COLOUR = '#555555'

const SIX = /^#[0-9a-fA-F]{6}$/
const THREE = /^#([0-9a-fA-F])([0-9a-fA-F])([0-9a-fA-F])$/

/** Whether `c` is a `#rrggbb` colour, the only form ever put into CSS from presence. */
export function isHexColour(c: unknown): c is string {
  return typeof c === 'string' && SIX.test(c)
}

/** `#rrggbb` for a roster colour (`#rgb` is widened; anything else is null). */
export function sixDigit(c: string | undefined | null): string | null {
  if (!c) return null
  if (SIX.test(c)) return c
  const m = THREE.exec(c)
  return m ? `#${m[1]}${m[1]}${m[2]}${m[2]}${m[3]}${m[3]}` : null
}

/**
 * The presence of a principal (role and delegation from its token): the delegation's roster colour
 * (the chair: the roster's CHAIR entry), else the role's colour.
 */
export function presenceUserOf(who: { role: string; delegation: string | null }, roster: readonly RosterEntry[]): PresenceUser {
  const entry = who.delegation ? roster.find((r) => r.code === who.delegation) : who.role === 'chair' ? roster.find((r) => r.code === 'CHAIR') : undefined
  const name = who.delegation ?? who.role.toUpperCase()
  const color = sixDigit(entry?.colour) ?? ROLE_COLOURS[who.role] ?? FALLBACK_COLOUR
  return { name, color, role: who.role, delegation: who.delegation }
}

/** Whether an awareness state holds the pen: its user (set by the server from the token) is the secretariat or the chair. */
export function holdsPen(state: unknown): boolean {
  const role = (state as { user?: { role?: unknown } } | null)?.user?.role
  return role === 'secretariat' || role === 'chair'
}
