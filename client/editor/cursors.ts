import { FALLBACK_COLOUR, isHexColour } from '../../shared/presence.ts'
import type { Identity } from '../sync/connection.ts'

/** A presence colour safe to put into CSS: `#rrggbb`, else the fallback. */
export function safeColour(c: unknown): string {
  return isHexColour(c) ? c : FALLBACK_COLOUR
}

/**
 * A remote cursor: a caret in the person's colour with a small label (delegation code, or
 * SECRETARIAT/CHAIR). Drawn with zero width so remote cursors never move the text around.
 */
export function cursorBuilder(user: Identity): HTMLElement {
  const caret = document.createElement('span')
  caret.className = 'ProseMirror-yjs-cursor'
  const colour = safeColour(user.color)
  caret.style.borderColor = colour
  caret.setAttribute('aria-hidden', 'true')
  const label = document.createElement('span')
  label.className = 'pm-cursor-label'
  label.style.backgroundColor = colour
  label.textContent = String(user.name)
  caret.append('\u2060', label, '\u2060')
  return caret
}

/** A remote selection's highlight: the person's colour, translucent (y-prosemirror's default puts the raw string into CSS). */
export function selectionBuilder(user: Identity): { style: string; class: string } {
  return { style: `background-color: ${safeColour(user.color)}70`, class: 'ProseMirror-yjs-selection' }
}

/** Observers are never shown as cursors; everyone else but oneself is. */
export function showCursorOf(localClient: number, client: number, state: { user?: Identity }): boolean {
  return localClient !== client && state.user?.role !== 'observer'
}
