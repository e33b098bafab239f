import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { Node } from 'prosemirror-model'
import { schema } from '../../shared/schema.ts'
import { DEFAULT_ROSTER } from '../../shared/roster.ts'
import { validateBlock, type BlockJSON } from '../../shared/trust/index.ts'
import { podiumDoc } from '../helpers/arbitraries.ts'

// The blocks of a document as the shared document stores them: attributes at null left out.
function blocksOf(doc: Node): BlockJSON[] {
  const out: BlockJSON[] = []
  doc.forEach((b) => {
    const json = b.toJSON() as BlockJSON
    json.attrs = Object.fromEntries(Object.entries(json.attrs).filter(([, v]) => v !== null))
    out.push(json)
  })
  return out
}

// A roster holding every code a random document uses.
function rosterFor(doc: Node) {
  const codes = new Set(DEFAULT_ROSTER.map((e) => e.code))
  doc.descendants((n) => {
    if (n.type.name === 'delegation_mark') codes.add(n.attrs.delegation)
    if (n.type.name === 'note') for (const c of String(n.attrs.delegations).split(', ')) codes.add(c)
  })
  return [...codes].map((code) => ({ code, name: code, colour: '#555555' }))
}

const pmAccepts = (json: BlockJSON) => {
  try {
    schema.nodeFromJSON(json).check()
    return true
  } catch {
    return false
  }
}

describe('validateBlock', () => {
  it('accepts every block of a valid podium document, as ProseMirror\'s own check does (property)', () => {
    fc.assert(fc.property(podiumDoc, (d) => {
      const roster = rosterFor(d)
      for (const json of blocksOf(d)) {
        expect(pmAccepts(json)).toBe(true)
        expect(validateBlock(json, roster)).toBeNull()
      }
    }), { numRuns: 500, seed: 11 })
  })

  const p = (content: unknown[], attrs: Record<string, unknown> = {}) => ({ type: 'paragraph', attrs, content }) as BlockJSON
  const cases: [string, BlockJSON][] = [
    ['an unknown attribute', p([{ type: 'text', text: 'x' }], { onclick: 'x' })],
    ['a number as a block id', p([{ type: 'text', text: 'x' }], { id: 7 })],
    ['a wrong separator', p([{ type: 'text', text: 'x' }], { sep: 'none' })],
    ['adref that is not true', p([{ type: 'text', text: 'x' }], { adref: 'yes' })],
    ['a stance that is not + or -', p([{ type: 'delegation_mark', attrs: { delegation: 'CHN', stance: '*' } }])],
    ['a number as a delegation', p([{ type: 'delegation_mark', attrs: { delegation: 42, stance: '+' } }])],
    ['an object as note text', p([{ type: 'note', attrs: { delegations: 'IND', text: { x: 1 }, form: 'colon' } }])],
    ['an unknown mark', p([{ type: 'text', text: 'x', marks: [{ type: 'blink' }] }])],
    ['empty text', p([{ type: 'text', text: '' }])],
    ['a paragraph in a paragraph', p([{ type: 'paragraph', content: [] }])],
    ['text inside a position', p([{ type: 'delegation_mark', attrs: { delegation: 'CHN', stance: '+' }, content: [{ type: 'text', text: 'x' }] }])],
    ['a marks attribute out of order', p([{ type: 'bracket', attrs: { marks: 'strong deletion' }, content: [{ type: 'text', text: 'x' }] }])],
    ['a footnote of another kind', p([{ type: 'footnote', attrs: { kind: 'sidenote', text: 'x' } }])],
    ['a number as footnote text', p([{ type: 'footnote', attrs: { kind: 'footnote', text: 7 } }])],
    ['footnote text over two lines', p([{ type: 'footnote', attrs: { kind: 'footnote', text: 'a\nb' } }])],
    ['footnote text holding "}}"', p([{ type: 'footnote', attrs: { kind: 'footnote', text: 'a}} b' } }])],
    ['footnote text ending with "}"', p([{ type: 'footnote', attrs: { kind: 'endnote', text: 'a}' } }])],
    ['footnote text with a space at its end', p([{ type: 'footnote', attrs: { kind: 'footnote', text: 'a ' } }])],
    ['footnote text over the length limit', p([{ type: 'footnote', attrs: { kind: 'footnote', text: 'a'.repeat(10_001) } }])],
    ['text inside a footnote', p([{ type: 'footnote', attrs: { kind: 'footnote', text: 'a' }, content: [{ type: 'text', text: 'x' }] }])],
    ['a footnote with an unknown attribute', p([{ type: 'footnote', attrs: { kind: 'footnote', text: 'a', href: 'javascript:x' } }])],
    ['__proto__ as an attribute', p([{ type: 'text', text: 'x' }], JSON.parse('{"__proto__": {"polluted": true}}'))]
  ]
  it.each(cases)('refuses %s (as ProseMirror does, or more strictly)', (_what, json) => {
    expect(validateBlock(json, DEFAULT_ROSTER)).not.toBeNull()
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})
