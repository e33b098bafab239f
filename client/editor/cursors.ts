import type { Identity } from '../sync/connection.ts'

/**
 * A remote cursor: a caret in the person's colour with a small label (delegation code, or
 * SECRETARIAT/CHAIR). Drawn with zero width so remote cursors never move the text around.
 */
export function cursorBuilder(user: Identity): HTMLElement {
  const caret = document.createElement('span')
  caret.className = 'ProseMirror-yjs-cursor'
  caret.style.borderColor = user.color
  caret.setAttribute('aria-hidden', 'true')
  const label = document.createElement('span')
  label.className = 'pm-cursor-label'
  label.style.backgroundColor = user.color
  label.textContent = user.name
  caret.append('\u2060', label, '\u2060')
  return caret
}

/** Observers are never shown as cursors; everyone else but oneself is. */
export function showCursorOf(localClient: number, client: number, state: { user?: Identity }): boolean {
  return localClient !== client && state.user?.role !== 'observer'
}
