import { describe, expect, it } from 'vitest'
import { carryIds } from '../../shared/history/index.ts'
import { schema } from '../../shared/schema.ts'
import type { Node } from 'prosemirror-model'

const block = (id: string, text: string) => schema.nodes.paragraph.create({ id }, schema.text(text))
const docOf = (...blocks: Node[]) => schema.nodes.doc.create(null, blocks)
const ids = (d: Node) => { const out: string[] = []; d.forEach((b) => out.push(b.attrs.id)); return out }

describe('carryIds', () => {
  it('keeps ids of unchanged paragraphs and of changed paragraphs with the same label, each old id once', () => {
    const prev = docOf(block('a', 'PP1. One.'), block('b', 'PP2. Two.'), block('c', 'PP3. Three.'), block('d', 'Same text.'))
    const next = docOf(block('x', 'Same text.'), block('y', 'PP2. Two, amended.'), block('z', 'PP1. One.'), block('w', 'PP9. New.'), block('v', 'PP2. Again.'))
    expect(ids(carryIds(prev, next))).toEqual(['d', 'b', 'a', 'w', 'v'])
  })
})
