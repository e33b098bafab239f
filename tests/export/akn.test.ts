import { describe, expect, it } from 'vitest'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import type { Node } from 'prosemirror-model'
import { analyse } from '../../shared/analysis/index.ts'
import { parsePodium } from '../../shared/format/index.ts'
import { AKN_NAMESPACE, exportAkn } from '../../server/export/index.ts'
import { br, del, doc, h, note, p, pos, strong } from '../helpers/builders.ts'
import { ASTANA, SEED } from '../helpers/seed.ts'

const META = { title: 'Draft Astana Statement', label: 'Podium version as of COB, 4 October 2022', hash: 'abc123', date: new Date('2022-10-04T18:00:00Z') }

// Every element of the parsed tree with its attributes, depth-first, in document order.
interface El { tag: string; attrs: Record<string, string>; children: El[]; parent: El | null }

function tree(xml: string): El {
  const parsed = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml) as unknown[]
  const build = (items: unknown[], parent: El | null): El[] => items.flatMap((item) => {
    const o = item as Record<string, unknown>
    const tag = Object.keys(o).find((k) => k !== ':@')!
    if (tag === '#text' || tag === '?xml') return []
    const el: El = { tag, attrs: (o[':@'] ?? {}) as Record<string, string>, children: [], parent }
    el.children = build(o[tag] as unknown[], el)
    return [el]
  })
  return { tag: '#root', attrs: {}, children: build(parsed, null), parent: null }
}

function all(el: El, pred: (e: El) => boolean, out: El[] = []): El[] {
  for (const c of el.children) {
    if (pred(c)) out.push(c)
    all(c, pred, out)
  }
  return out
}

function check(d: Node) {
  const xml = exportAkn(d, META)
  expect(XMLValidator.validate(xml)).toBe(true)
  const root = tree(xml)
  const a = analyse(d)
  const paragraphs = all(root, (e) => e.tag === 'container' && e.attrs.name === 'paragraph')
  expect(paragraphs).toHaveLength(a.totals.paragraphs)
  expect(paragraphs.map((e) => e.attrs.class)).toEqual(a.paragraphs.filter((x) => x.kind === 'paragraph').map((x) => x.status))
  expect(all(root, (e) => e.tag === 'container' && e.attrs.name === 'heading')).toHaveLength(a.paragraphs.length - a.totals.paragraphs)
  expect(all(root, (e) => e.tag === 'inline' && e.attrs.name === 'bracket')).toHaveLength(a.totals.brackets)
  expect(all(root, (e) => e.tag === 'inline' && e.attrs.name === 'position')).toHaveLength(a.totals.positions)
  expect(all(root, (e) => e.tag === 'inline' && e.attrs.name === 'note')).toHaveLength(a.totals.notes)
  // Every refersTo names a declared TLCOrganization, and every delegation used is declared.
  const declared = new Set(all(root, (e) => e.tag === 'TLCOrganization').map((e) => e.attrs.eId))
  const referred = new Set(all(root, (e) => 'refersTo' in e.attrs).flatMap((e) => e.attrs.refersTo.split(' ')))
  for (const r of referred) expect(declared, r).toContain(r.replace(/^#/, ''))
  for (const code of Object.keys(a.delegations)) expect(referred, code).toContain('#' + code.toLowerCase())
  // eIds are unique.
  const eIds = all(root, (e) => 'eId' in e.attrs).map((e) => e.attrs.eId)
  expect(new Set(eIds).size).toBe(eIds.length)
  return { xml, root }
}

describe('Akoma Ntoso export', () => {
  it('writes the Astana Statement as a well-formed doc: counts match the analysis, delegations declared', () => {
    const { xml, root } = check(parsePodium(ASTANA).doc)
    const akn = root.children[0]
    expect(akn.tag).toBe('akomaNtoso')
    expect(akn.attrs.xmlns).toBe(AKN_NAMESPACE)
    const docEl = akn.children[0]
    expect([docEl.tag, docEl.attrs.name]).toEqual(['doc', 'statement'])
    expect(docEl.children.map((c) => c.tag)).toEqual(['meta', 'preface', 'preamble', 'mainBody'])
    const section = (tag: string) => docEl.children.find((c) => c.tag === tag)!.children.map((c) => c.attrs.eId)
    expect(section('preamble')[0]).toBe('pp1')
    expect(section('preamble')).not.toContain('op1')
    expect(section('mainBody')[0]).toBe('op1')
    expect(section('preface')).toHaveLength(4)
    expect(xml).toContain('<TLCOrganization eId="ind" href="/ontology/organization/delegation/ind" showAs="India"/>')
    expect(xml).toContain('<FRBRalias value="Podium version as of COB, 4 October 2022" name="label"/>')
    expect(xml).toContain('<FRBRversionNumber value="abc123"/>')
    expect(xml).toContain('<FRBRdate date="2022-10-04" name="generation"/>')
  })

  it('holds for the whole seed (three languages, the stray "]")', () => {
    check(parsePodium(SEED).doc)
  })

  it('escapes text and attributes, and writes marks, deletions and line breaks', () => {
    const d = doc(
      h('TITLE <&>'),
      p('OP1. a < b & "c" \'d\' ', br(del('x'), '\ny'), ' ', pos('+IRAN', 'with "reservation" & more'), ' ', note('IND, TUR', 'see <OP2>'), ' ', strong('z'), '\u0001')
    )
    const { xml } = check(d)
    expect(xml).toContain('OP1. a &lt; b &amp; &quot;c&quot; &apos;d&apos; ')
    expect(xml).toContain('<inline name="bracket" eId="brk_1" class="depth-1">[<del>x</del><eol/>y]</inline>')
    expect(xml).toContain('<inline name="position" refersTo="#iran" class="support">(+IRAN with &quot;reservation&quot; &amp; more)</inline>')
    expect(xml).toContain('<inline name="note" refersTo="#ind #tur">(IND, TUR: see &lt;OP2&gt;)</inline>')
    expect(xml).toContain('<b>z</b>')
    expect(xml).not.toContain('\u0001')
    expect(exportAkn(d, { title: 'a "b" <c>' })).toContain('<FRBRname value="a &quot;b&quot; &lt;c&gt;"/>')
  })

  it('keeps a main body when the text has no OP paragraph', () => {
    const { root } = check(doc(p('PP1. only preamble')))
    expect(all(root, (e) => e.tag === 'mainBody')).toHaveLength(1)
    expect(() => exportAkn(doc(p('x')), null as never)).toThrow(RangeError)
  })
})
