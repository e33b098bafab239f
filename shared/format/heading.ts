import type { Node } from 'prosemirror-model'

// Podium text has no heading syntax of its own: titles are recognised by their look, as a reader
// of the seed would ("DRAFT ASTANA STATEMENT ON CICA TRANSFORMATION", "Pillar I: …", a bold title).
// A heading that does not look like one is written with a "# " prefix so it survives a round trip.

/** The prefix that makes any line a heading in podium text. */
export const HEADING_PREFIX = '# '

/** Whether a block with this inline content reads as a heading without the "# " prefix. */
export function looksLikeHeading(block: Node): boolean {
  let structured = false
  let allStrong = block.childCount > 0
  block.descendants((n) => {
    if (n.type.name === 'bracket' || n.type.name === 'delegation_mark' || n.type.name === 'note') structured = true
    return !structured
  })
  if (structured) return false
  block.forEach((child) => { if (!child.marks.some((m) => m.type.name === 'strong')) allStrong = false })
  const text = block.textContent
  if (!/\p{L}/u.test(text)) return false
  if (allStrong) return true
  if (text.includes('\n') || text.length > 160) return false
  if (/^Pillar [IVX]+:/.test(text)) return true
  if (/^[IVX]+\. \S/.test(text) && text.length <= 80 && !/[.;,:]$/.test(text)) return true
  const letters = text.match(/\p{L}/gu) ?? []
  return letters.length >= 4 && text === text.toUpperCase() && text !== text.toLowerCase()
}
