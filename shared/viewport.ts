// What the pen's screen shows, shared through presence (the `viewport` field of an awareness state)
// so the podium screen can show the same: the first paragraph at the top of the window and how far
// down it the window starts. Paragraphs, not pixels: the projector's type is larger than the
// secretariat's, so the same place is a different number of pixels on each.

/** The highest paragraph index a viewport may name (documents are far shorter). */
export const VIEWPORT_MAX_INDEX = 100_000

/** The first paragraph the window shows: its id (null when it has none), its index among the blocks, and the share of it (0 ≤ offset < 1) above the window's top. */
export interface Viewport {
  block: string | null
  index: number
  offset: number
}

const BLOCK_ID = /^[A-Za-z0-9_-]{1,64}$/

/**
 * `v` rebuilt as a Viewport, or null when it is not exactly one: an object with only `block` (a block
 * id of letters, digits, '_' and '-', at most 64, or null), `index` (an integer 0…VIEWPORT_MAX_INDEX)
 * and `offset` (a finite number 0 ≤ offset < 1). Anything else is refused whole.
 */
export function cleanViewport(v: unknown): Viewport | null {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || Object.getPrototypeOf(v) !== Object.prototype) return null
  const keys = Object.keys(v)
  if (keys.length !== 3 || !keys.every((k) => k === 'block' || k === 'index' || k === 'offset')) return null
  const { block, index, offset } = v as Record<string, unknown>
  if (!(block === null || (typeof block === 'string' && BLOCK_ID.test(block)))) return null
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > VIEWPORT_MAX_INDEX) return null
  if (typeof offset !== 'number' || !Number.isFinite(offset) || offset < 0 || offset >= 1) return null
  return { block, index, offset }
}
