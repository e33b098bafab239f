import type { EditorView } from 'prosemirror-view'
import type { Viewport } from '../../shared/viewport.ts'

// Reading and showing a viewport (shared/viewport.ts): the first paragraph at the top of the window,
// below the sticky header and toolbar, and how far into it the window starts.

/** How far down the window the text starts to show: below the sticky header and toolbar. */
export function textTop(): number {
  let top = 0
  for (const el of document.querySelectorAll<HTMLElement>('.topbar, .toolbar')) top = Math.max(top, el.getBoundingClientRect().bottom)
  return Math.max(0, top)
}

function blockOffsets(view: EditorView): number[] {
  const offsets: number[] = []
  view.state.doc.forEach((_node, offset) => offsets.push(offset))
  return offsets
}

function blockElement(view: EditorView, pos: number): HTMLElement | null {
  const el = view.nodeDOM(pos)
  return el instanceof HTMLElement ? el : null
}

/** What `view` shows at the top of the window now, or null when no paragraph is on screen. */
export function readViewport(view: EditorView, top = textTop()): Viewport | null {
  const offsets = blockOffsets(view)
  // The first block whose bottom is below the top: blocks are in order down the page.
  let lo = 0
  let hi = offsets.length - 1
  let found = -1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const el = blockElement(view, offsets[mid])
    if (!el) return null
    if (el.getBoundingClientRect().bottom > top) { found = mid; hi = mid - 1 } else lo = mid + 1
  }
  if (found < 0) return null
  const rect = blockElement(view, offsets[found])!.getBoundingClientRect()
  const into = rect.height > 0 ? (top - rect.top) / rect.height : 0
  const id = view.state.doc.child(found).attrs.id
  return { block: typeof id === 'string' && id ? id : null, index: found, offset: Math.min(0.999, Math.max(0, into)) }
}

/** Frames at most in which a shown viewport is placed again while the paragraphs around it are laid out. */
export const PLACE_FRAMES = 60

/**
 * Scrolls the window so that `viewport`'s paragraph (found by id, else by index) starts as far above
 * the text's top as on the screen it came from, and places it again in the next frames until it
 * stays put (at most PLACE_FRAMES). Returns
 * a function that stops those later placings (call it before scrolling elsewhere, or they undo it),
 * or null when `view` has no such paragraph.
 */
export function showViewport(view: EditorView, viewport: Viewport, top = textTop()): (() => void) | null {
  const offsets = blockOffsets(view)
  let index = -1
  if (viewport.block) view.state.doc.forEach((node, _offset, i) => { if (index < 0 && node.attrs.id === viewport.block) index = i })
  if (index < 0) index = Math.min(viewport.index, offsets.length - 1)
  const el = index >= 0 ? blockElement(view, offsets[index]) : null
  if (!el) return null
  let stopped = false
  const place = (): boolean => {
    if (!el.isConnected) return false
    const rect = el.getBoundingClientRect()
    const delta = rect.top + viewport.offset * rect.height - top
    if (Math.abs(delta) <= 1) return false
    // Instant: smooth scrolling is throttled (or never finishes) in background and headless windows.
    window.scrollTo({ top: Math.max(0, window.scrollY + delta), behavior: 'instant' })
    return true
  }
  place()
  // Paragraphs off screen are not laid out (content-visibility in editor.css): those the jump brings
  // into view get their real heights only in the next frames, which moves the paragraph; place it
  // again until it has stayed put for a few frames (on a busy machine layout takes more than one).
  let frames = PLACE_FRAMES
  let still = 0
  const again = () => {
    if (stopped) return
    still = place() ? 0 : still + 1
    if (still < 3 && --frames > 0) requestAnimationFrame(again)
  }
  requestAnimationFrame(again)
  return () => { stopped = true }
}
