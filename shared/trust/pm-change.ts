// The trust rules' view of a ProseMirror change: the top-level blocks that differ between two
// documents, paired by block id. The editor runs the rules on it before a change leaves the tab.

import type { Node } from 'prosemirror-model'
import type { BlockJSON, BlockState, Change, ChangedBlock } from './types.ts'

/**
 * Who inserted each character, and each bracket, of a block of the document before the change
 * (null: someone else or unknown), or null when not known at all.
 */
export type BlockAuthors = (index: number, block: Node) => { text: (string | null)[]; brackets: (string | null)[] } | null

/** A block as the rules read it, from a ProseMirror node (`authors` per character of its text, when known). */
export function blockStateOf(node: Node, authors: { text: (string | null)[]; brackets: (string | null)[] } | null = null): BlockState {
  let text = ''
  let brackets = 0
  node.descendants((n) => {
    if (n.isText) text += n.text
    else if (n.type.name === 'bracket') brackets++
    return true
  })
  const json = node.toJSON() as BlockJSON
  // Attributes at their default (null) are not stored in the shared document; compare as stored.
  json.attrs = Object.fromEntries(Object.entries(json.attrs ?? {}).filter(([, v]) => v !== null))
  return {
    json,
    text,
    authors: authors && authors.text.length === text.length ? authors.text : new Array<string | null>(text.length).fill(null),
    bracketAuthors: authors && authors.brackets.length === brackets ? authors.brackets : new Array<string | null>(brackets).fill(null)
  }
}

/**
 * The change from `before` to `after` as the rules see it: the run of top-level blocks between the
 * common start and end, before-blocks paired with after-blocks of the same id (others are removed
 * or new). `authors` gives who typed each character of a before-block, where the caller knows.
 */
export function changeBetween(before: Node, after: Node, authors: BlockAuthors = () => null): Change {
  let start = 0
  while (start < before.childCount && start < after.childCount && before.child(start) === after.child(start)) start++
  let endB = before.childCount
  let endA = after.childCount
  while (endB > start && endA > start && before.child(endB - 1) === after.child(endA - 1)) { endB--; endA-- }
  const afterById = new Map<string, number>()
  for (let i = start; i < endA; i++) {
    const id = after.child(i).attrs.id
    if (typeof id === 'string' && !afterById.has(id)) afterById.set(id, i)
  }
  const blocks: ChangedBlock[] = []
  const paired = new Set<number>()
  for (let i = start; i < endB; i++) {
    const b = before.child(i)
    const j = typeof b.attrs.id === 'string' ? afterById.get(b.attrs.id) : undefined
    if (j !== undefined) paired.add(j)
    blocks.push({ before: blockStateOf(b, authors(i, b)), after: j === undefined ? null : blockStateOf(after.child(j)) })
  }
  for (let j = start; j < endA; j++) if (!paired.has(j)) blocks.push({ before: null, after: blockStateOf(after.child(j)) })
  const otherIds = new Set<string>()
  for (let i = 0; i < after.childCount; i++) {
    if (i >= start && i < endA) continue
    const id = after.child(i).attrs.id
    if (typeof id === 'string') otherIds.add(id)
  }
  return { blocks, otherIds }
}
