import type { EditorView } from 'prosemirror-view'
import type { Awareness } from 'y-protocols/awareness'
import type { Identity } from '../sync/connection.ts'
import { cursorPos } from './remote-cursor.ts'

/**
 * Podium screen: keeps the secretariat's cursor (the pen) in view, about a third from the top,
 * whenever it moves out of the middle half of the screen. The jump is instant: smooth scrolling
 * is throttled (or never finishes) in background and headless windows. Returns a function that stops following.
 */
export function followSecretariat(view: () => EditorView | null, awareness: Awareness): () => void {
  let last: number | null = null
  const onChange = () => {
    const v = view()
    if (!v) return
    let pos: number | null = null
    awareness.getStates().forEach((state) => {
      if (pos !== null) return
      if ((state as { user?: Identity }).user?.role === 'secretariat') pos = cursorPos(v, state as never)
    })
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
