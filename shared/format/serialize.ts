import type { Fragment, Node } from 'prosemirror-model'
import { footnoteText, noteText, positionText } from '../schema.ts'
import { nodeMarkNames } from '../node-marks.ts'
import { HEADING_PREFIX, looksLikeHeading } from './heading.ts'
import { normalisePodiumText } from './normalise.ts'
import type { MarkName } from './tokenize.ts'

// Writes the podium schema back as podium text. Marks are written per container (a bracket's content
// is its own container), opened in schema order and closed innermost-first.

const ORDER: MarkName[] = ['deletion', 'strong', 'emphasis']
const DELIM: Record<MarkName, string> = { deletion: '~~', strong: '**', emphasis: '*' }

// A node's marks, whether ProseMirror marks or (brackets, positions, notes from Yjs or the editor) its `marks` attribute.
function markNames(node: Node): Set<MarkName> {
  return new Set([...nodeMarkNames(node)].filter((n): n is MarkName => n in DELIM))
}

/** Writes inline content (a block's or a bracket's) as podium text. */
export function serializeInline(content: Fragment): string {
  let out = ''
  const active: MarkName[] = []
  // Delimiters toggle one mark each (the parser pairs each mark on its own), so a change of marks
  // closes only what ends and opens only what starts; this never writes four asterisks in a row.
  const moveTo = (wanted: Set<MarkName>) => {
    for (let i = active.length - 1; i >= 0; i--) {
      if (!wanted.has(active[i])) { out += DELIM[active[i]]; active.splice(i, 1) }
    }
    for (const n of ORDER) if (wanted.has(n) && !active.includes(n)) { out += DELIM[n]; active.push(n) }
  }
  content.forEach((node) => {
    moveTo(markNames(node))
    switch (node.type.name) {
      case 'text': out += node.text; break
      case 'bracket': out += '[' + serializeInline(node.content) + ']'; break
      case 'delegation_mark': out += positionText(node.attrs as never); break
      case 'note': out += noteText(node.attrs as never); break
      case 'footnote': out += footnoteText(node.attrs as never); break
      default: throw new RangeError(`serializePodium: unexpected inline node ${node.type.name}`)
    }
  })
  moveTo(new Set())
  return out
}

function block(node: Node): string {
  const text = serializeInline(node.content)
  return node.type.name === 'heading' && !looksLikeHeading(node) ? HEADING_PREFIX + text : text
}

/** The line written after a paragraph the chair or secretariat marked agreed ad ref. */
export const AGREED_AD_REF_LINE = '[Agreed ad ref]'

/** Joins blocks as podium text without the final normalisation (used to check a parsed block). */
export function serializeBlocks(blocks: readonly Node[]): string {
  let out = ''
  blocks.forEach((b, i) => {
    // The agreed line is a block of its own, so what follows it is always after a blank line.
    if (i > 0) out += b.attrs.sep === 'line' && blocks[i - 1].attrs.adref !== true ? '\n' : '\n\n'
    out += block(b)
    if (b.attrs.adref === true) out += '\n\n' + AGREED_AD_REF_LINE
  })
  return out
}

/** Writes a document (or any node whose children are blocks) as normalised podium text. */
export function serializePodium(doc: Node): string {
  const blocks: Node[] = []
  doc.forEach((b) => blocks.push(b))
  return normalisePodiumText(serializeBlocks(blocks))
}
