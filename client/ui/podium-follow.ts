import type { EditorView } from 'prosemirror-view'
import type { Awareness } from 'y-protocols/awareness'
import { holdsPen } from '../../shared/presence.ts'
import { cursorPos } from './remote-cursor.ts'

/**
 * Podium screen: keeps the pen's cursor in view, about a third from the top,
 * whenever it moves out of the middle half of the screen. The jump is instant: smooth scrolling
 * is throttled (or never finishes) in background and headless windows. Returns a function that stops following.
 * The pen is the secretariat's cursor, else the chair's: their role in presence is set by the server
 * from their token (server/sync/awareness-guard.ts), so a delegation cannot pose as the pen.
 */
export function followSecretariat(view: () => EditorView | null, awareness: Awareness): () => void {
  let last: number | null = null
  const onChange = () => {
    const v = view()
    if (!v) return
    let secretariat: number | null = null
    let chair: number | null = null
    awareness.getStates().forEach((state, client) => {
      if (client === awareness.clientID || !holdsPen(state)) return
      const at = cursorPos(v, state as never)
      if (at === null) return
      if ((state as { user: { role: string } }).user.role === 'secretariat') secretariat ??= at
      else chair ??= at
    })
    const pos = secretariat ?? chair
    if (pos === null || pos === last) return
    last = pos
    try {
      const coords = v.coordsAtPos(pos)
      const target = window.scrollY + coords.top - window.innerHeight * 0.33
      if (Math.abs(coords.top - window.innerHeight * 0.33) > window.innerHeight * 0.25) window.scrollTo({ top: Math.max(0, target), behavior: 'instant' })
    } catch {
      // position not rendered yet: the next change will catch up
    }
  }
  awareness.on('change', onChange)
  return () => awareness.off('change', onChange)
}
