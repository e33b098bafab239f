import type { EditorView } from 'prosemirror-view'
import type { Awareness } from 'y-protocols/awareness'
import { holdsPen } from '../../shared/presence.ts'
import { cleanViewport, type Viewport } from '../../shared/viewport.ts'
import { cursorPos } from './remote-cursor.ts'
import { readViewport, showViewport } from './viewport.ts'

/** How often at most the pen's screen says what it shows while it scrolls (ms); the server allows 20 presence updates a second. */
export const VIEWPORT_SHARE_MS = 150

const same = (a: Viewport | null, b: Viewport | null) =>
  a === b || (!!a && !!b && a.block === b.block && a.index === b.index && Math.abs(a.offset - b.offset) < 0.01)

/**
 * The pen's screen (secretariat, chair) says in presence what it shows — the first paragraph at the top
 * of the window and how far into it (`viewport`, shared/viewport.ts) — after it scrolls or resizes, at
 * most every VIEWPORT_SHARE_MS and only when it changed. Returns a function that stops.
 */
export function shareViewport(view: () => EditorView | null, awareness: Awareness): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null
  let last: Viewport | null = null
  const send = () => {
    timer = null
    const v = view()
    if (!v) return
    const now = readViewport(v)
    if (!now || same(now, last)) return
    last = now
    awareness.setLocalStateField('viewport', now)
  }
  const schedule = () => { timer ??= setTimeout(send, VIEWPORT_SHARE_MS) }
  window.addEventListener('scroll', schedule, { passive: true })
  window.addEventListener('resize', schedule, { passive: true })
  schedule()
  return () => {
    if (timer) clearTimeout(timer)
    window.removeEventListener('scroll', schedule)
    window.removeEventListener('resize', schedule)
  }
}

/**
 * Podium screen: shows what the pen shows. When the pen scrolls, the screen scrolls to the same
 * paragraph (its `viewport` in presence); when the pen's cursor moves, it keeps the cursor in view,
 * about a third from the top, whenever it moves out of the middle half of the screen. The jump is
 * instant: smooth scrolling is throttled (or never finishes) in background and headless windows.
 * The pen is the secretariat, else the chair: their role in presence is set by the server from their
 * token (server/sync/awareness-guard.ts, which keeps a viewport from them alone), so a delegation
 * cannot pose as the pen. Returns a function that stops following.
 */
export function followSecretariat(view: () => EditorView | null, awareness: Awareness): () => void {
  let lastCursor: number | null = null
  let lastViewport: Viewport | null = null
  // The frames in which the last shown viewport is placed again (paragraphs laid out late): a later
  // jump to the pen's cursor stops them, or they would scroll the screen back.
  let placing: (() => void) | null = null
  const onChange = () => {
    const v = view()
    if (!v) return
    let pen: { role: string; state: Record<string, unknown> } | null = null
    awareness.getStates().forEach((state, client) => {
      if (client === awareness.clientID || !holdsPen(state)) return
      const role = (state as { user: { role: string } }).user.role
      if (!pen || (pen.role !== 'secretariat' && role === 'secretariat')) pen = { role, state: state as Record<string, unknown> }
    })
    if (!pen) return
    const { state } = pen as { state: Record<string, unknown> }
    const pos = cursorPos(v, state as never)
    // Scrolling first: what the pen's screen shows now (its cursor, where it was, is not followed back).
    const viewport = cleanViewport(state.viewport)
    if (viewport && !same(viewport, lastViewport)) {
      lastViewport = viewport
      placing?.()
      placing = showViewport(v, viewport)
      if (placing) { lastCursor = pos; return }
    }
    if (pos === null || pos === lastCursor) return
    lastCursor = pos
    try {
      const coords = v.coordsAtPos(pos)
      const target = window.scrollY + coords.top - window.innerHeight * 0.33
      if (Math.abs(coords.top - window.innerHeight * 0.33) > window.innerHeight * 0.25) {
        placing?.()
        placing = null
        window.scrollTo({ top: Math.max(0, target), behavior: 'instant' })
      }
    } catch {
      // position not rendered yet: the next change will catch up
    }
  }
  awareness.on('change', onChange)
  return () => awareness.off('change', onChange)
}
