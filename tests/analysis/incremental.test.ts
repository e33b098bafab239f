import fc from 'fast-check'
import * as prng from 'lib0/prng'
import type { Node } from 'prosemirror-model'
import { Transform } from 'prosemirror-transform'
import { describe, expect, it } from 'vitest'
import { analyse, incrementalAnalyser } from '../../shared/analysis/index.ts'
import { parsePodium } from '../../shared/format/index.ts'
import { DEFAULT_ROSTER } from '../../shared/roster.ts'
import { schema } from '../../shared/schema.ts'
import { podiumDoc } from '../helpers/arbitraries.ts'
import { randomEdit } from '../helpers/edits.ts'
import { ASTANA } from '../helpers/seed.ts'

// The editor analyses each new document reading only the blocks an update brought (the rest are the
// same nodes as before): after any sequence of edits, what it gives must be what the full analysis gives.

const LINES = ['an open [ bracket', 'a closing ] one', '] closes [ opens', 'OP3. We decide', '(a) first', '(b) second', '(i) roman', '(ii) roman two', '12. numbered', 'e) letter', 'PP5bis. text', 'plain words', 'an open [ bracket', 'a closing ] one']

// Edits that change the blocks themselves: a new block (labelled, a heading, with a text bracket that
// may pair with one in another block), a block removed, a block marked agreed ad ref or not.
function blockEdit(doc: Node, gen: prng.PRNG): Node {
  const tr = new Transform(doc)
  const offsets: number[] = []
  doc.forEach((_b, offset) => offsets.push(offset))
  const kind = prng.int32(gen, 0, 3)
  if (kind === 0 || doc.childCount < 2) {
    const at = prng.oneOf(gen, [...offsets, doc.content.size])
    const type = prng.int32(gen, 0, 4) === 0 ? schema.nodes.heading : schema.nodes.paragraph
    tr.insert(at, type.create({ id: `n${prng.uint32(gen, 0, 1e9)}` }, schema.text(prng.oneOf(gen, LINES))))
  } else if (kind === 1) {
    const i = prng.int32(gen, 0, doc.childCount - 1)
    tr.delete(offsets[i], offsets[i] + doc.child(i).nodeSize)
  } else {
    const i = prng.int32(gen, 0, doc.childCount - 1)
    const block = doc.child(i)
    if (block.type === schema.nodes.paragraph) tr.setNodeMarkup(offsets[i], null, { ...block.attrs, adref: block.attrs.adref ? null : true })
  }
  return tr.doc
}

describe('incremental analysis', () => {
  it('equals the full analysis after every edit of random documents (blocks reused between documents)', () => {
    fc.assert(fc.property(podiumDoc, fc.integer(), fc.integer({ min: 1, max: 25 }), (start, seed, steps) => {
      const gen = prng.create(seed)
      const analyser = incrementalAnalyser(DEFAULT_ROSTER)
      let doc = start
      expect(analyser.analyse(doc)).toEqual(analyse(doc, DEFAULT_ROSTER))
      for (let s = 0; s < steps; s++) {
        doc = prng.bool(gen) ? blockEdit(doc, gen) : randomEdit(doc, gen)
        expect(analyser.analyse(doc)).toEqual(analyse(doc, DEFAULT_ROSTER))
      }
    }), { numRuns: 300 })
  })

  it('sees a bracket over several paragraphs made and unmade by edits far from each other', () => {
    const analyser = incrementalAnalyser(DEFAULT_ROSTER)
    let doc = parsePodium('PP1. We [note\n\nPP2. the words\n\nPP3. of ] (+IND) them\n\nPP4. and ] this', { roster: DEFAULT_ROSTER }).doc
    expect(analyser.analyse(doc)).toEqual(analyse(doc, DEFAULT_ROSTER))
    expect(analyser.analyse(doc).paragraphs[1].status).toBe('open')
    // The `[` goes: PP3's `]` and PP4's pair with nothing, PP2 is agreed again.
    const at = analyser.analyse(doc).paragraphs[0].from
    doc = new Transform(doc).replaceWith(at, at + doc.child(0).nodeSize, schema.nodes.paragraph.create({ id: 'x' }, schema.text('PP1. We note'))).doc
    expect(analyser.analyse(doc)).toEqual(analyse(doc, DEFAULT_ROSTER))
    expect(analyser.analyse(doc).paragraphs[1].status).toBe('agreed')
  })

  it('equals the full analysis on the Astana Statement under edits, and reads only the blocks that changed', () => {
    const analyser = incrementalAnalyser(DEFAULT_ROSTER)
    let doc = parsePodium(ASTANA, { roster: DEFAULT_ROSTER }).doc
    const gen = prng.create(7)
    for (let s = 0; s < 200; s++) {
      doc = prng.int32(gen, 0, 5) === 0 ? blockEdit(doc, gen) : randomEdit(doc, gen)
      expect(analyser.analyse(doc)).toEqual(analyse(doc, DEFAULT_ROSTER))
    }
    // A block that did not change is the same node, and what was read from it is read again from the cache:
    // typing into one paragraph leaves every other paragraph's brackets and positions the same objects.
    doc = parsePodium(ASTANA, { roster: DEFAULT_ROSTER }).doc
    const before = analyser.analyse(doc)
    const i = before.paragraphs.findIndex((p) => p.brackets.length > 0)
    const tr = new Transform(doc).insert(before.paragraphs[i].from + 1, schema.text('x'))
    const after = analyser.analyse(tr.doc)
    expect(after).toEqual(analyse(tr.doc, DEFAULT_ROSTER))
    const j = before.paragraphs.findIndex((p, k) => k !== i && p.brackets.length > 0)
    expect(after.paragraphs[j].brackets[0].supporters).toBe(before.paragraphs[j].brackets[0].supporters)
    expect(after.paragraphs[i].brackets[0].supporters).not.toBe(before.paragraphs[i].brackets[0].supporters)
  })
})
