// Who may open a document, by role: the rule the server enforces on sync and REST, and its words.

import type { Role } from './protocol.ts'

/**
 * Who may open a document: only the secretariat (and the chair), also the delegations, or also
 * observers (the projector, the press). Enforced by the server on sync and REST.
 */
export type Visibility = 'secretariat' | 'delegations' | 'public'

/** Every visibility, from the narrowest to the widest. */
export const VISIBILITIES: readonly Visibility[] = ['secretariat', 'delegations', 'public']

/** The visibility of a document created from the meeting home or REST without one: a draft, for the secretariat only until released. */
export const DEFAULT_NEW_VISIBILITY: Visibility = 'secretariat'

/** Each visibility in words, for the meeting home. */
export const VISIBILITY_WORDS: Readonly<Record<Visibility, string>> = Object.freeze({
  secretariat: 'Secretariat and chair only (draft)',
  delegations: 'Delegations',
  public: 'Everyone, observers too'
})

// The narrowest visibility each role may open (the chair counts with the secretariat).
const REACH: Readonly<Record<Role, number>> = Object.freeze({ secretariat: 0, chair: 0, delegation: 1, observer: 2 })

/** Whether `role` may open a document of `visibility`. */
export function canSee(role: Role, visibility: Visibility): boolean {
  const need = VISIBILITIES.indexOf(visibility)
  if (need < 0) throw new RangeError(`visibility ${JSON.stringify(visibility)} is not one of ${VISIBILITIES.join(', ')}`)
  return REACH[role] <= need
}

/** Whether `value` is a visibility. */
export function isVisibility(value: unknown): value is Visibility {
  return VISIBILITIES.includes(value as Visibility)
}
