import type { Node } from 'prosemirror-model'
import { labelOf } from '../analysis/labels.ts'
import { serializeInline } from '../format/serialize.ts'

/**
 * Gives the blocks of `next` (a re-imported text) the ids of the blocks of `prev` they continue: the
 * same text first, then the same label (PP4, OP5(1)…), each old id used once. Other blocks keep their
 * own ids. Keeping ids keeps paragraphs' identity, so a replacement is a small change and compares well.
 */
export function carryIds(prev: Node, next: Node): Node {
  const free = new Map<string, string[]>()
  const byLabel = new Map<string, string[]>()
  const used = new Set<string>()
  prev.forEach((b) => {
    if (!b.attrs.id) return
    const key = b.type.name + '\n' + serializeInline(b.content)
    ;(free.get(key) ?? free.set(key, []).get(key)!).push(b.attrs.id)
    const label = labelOf(b.textContent)
    if (label) (byLabel.get(label) ?? byLabel.set(label, []).get(label)!).push(b.attrs.id)
  })
  const take = (ids: string[] | undefined) => {
    while (ids && ids.length) {
      const id = ids.shift()!
      if (!used.has(id)) { used.add(id); return id }
    }
    return null
  }
  // Exact matches first, over the whole document, so a moved label cannot steal an unchanged paragraph's id.
  const chosen: (string | null)[] = []
  next.forEach((b) => chosen.push(take(free.get(b.type.name + '\n' + serializeInline(b.content)))))
  const blocks: Node[] = []
  next.forEach((b, _o, i) => {
    const label = labelOf(b.textContent)
    const id = chosen[i] ?? (label ? take(byLabel.get(label)) : null) ?? b.attrs.id
    blocks.push(id === b.attrs.id ? b : b.type.create({ ...b.attrs, id }, b.content, b.marks))
  })
  return next.type.create(next.attrs, blocks)
}
