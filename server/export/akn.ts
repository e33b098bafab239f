import type { Fragment, Node } from 'prosemirror-model'
import { analyse } from '../../shared/analysis/index.ts'
import { DEFAULT_ROSTER, type RosterEntry } from '../../shared/roster.ts'
import { noteText, positionText } from '../../shared/schema.ts'
import type { ExportMeta } from './meta.ts'
import { escapeXml } from './xml.ts'
import { orderedMarkNames } from '../../shared/node-marks.ts'
import { spanningEdges, splitAtEdges, type SpanEdge } from '../../shared/render/spans.ts'

// Akoma Ntoso 3.0 (OASIS LegalDocML) for archives: a `doc` named "statement" whose preface holds
// the blocks before the first PP/OP paragraph, whose preamble holds the PP paragraphs and whose main
// body holds the OP paragraphs and the rest. Every block is a `container` (name "paragraph" or
// "heading", class "open"/"agreed") around one `p`; brackets are `inline name="bracket"`, positions
// and notes `inline` elements whose refersTo names the delegations declared as TLCOrganization.
// Footnotes and endnotes are `authorialNote`s where they are referred to (placement bottom or end).
// A bracket over several paragraphs is one bracket: its `[` and `]` are `inline name="bracketStart"`
// and `"bracketEnd"` sharing a class (`span-N`). The draft's header lines open the preface.

/** The Akoma Ntoso 3.0 namespace. */
export const AKN_NAMESPACE = 'http://docs.oasis-open.org/legaldocml/ns/akn/3.0'

const MARK_TAGS: Record<string, string> = { deletion: 'del', strong: 'b', emphasis: 'i' }

/** The eId of a delegation's TLCOrganization: its code in lower case (`IND` → `ind`). */
export function delegationEid(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9]/g, '_')
}

function slug(s: string): string {
  return s.normalize('NFKD').replace(/[^\w\s-]/g, '').trim().toLowerCase().replace(/[\s_-]+/g, '-').slice(0, 60).replace(/-+$/, '') || 'statement'
}

function delegationsOf(doc: Node): string[] {
  const codes = new Set<string>()
  doc.descendants((node) => {
    if (node.type.name === 'delegation_mark') codes.add(node.attrs.delegation)
    else if (node.type.name === 'note') for (const c of String(node.attrs.delegations).split(', ')) codes.add(c)
    return true
  })
  return [...codes].sort()
}

function refs(codes: string[]): string {
  return codes.map((c) => '#' + delegationEid(c)).join(' ')
}

interface Counter {
  brackets: number
  footnotes: number
  endnotes: number
  edges: ReadonlyMap<number, SpanEdge>
}

function roman(n: number): string {
  let out = ''
  for (const [v, t] of [[1000, 'm'], [900, 'cm'], [500, 'd'], [400, 'cd'], [100, 'c'], [90, 'xc'], [50, 'l'], [40, 'xl'], [10, 'x'], [9, 'ix'], [5, 'v'], [4, 'iv'], [1, 'i']] as [number, string][]) while (n >= v) { out += t; n -= v }
  return out
}

const text = (s: string) => s.split('\n').map(escapeXml).join('<eol/>')

// `start` is the position of the content's first child at the top level of a block (where the ends
// of brackets over several paragraphs are), else -1.
function inline(content: Fragment, depth: number, counter: Counter, start = -1): string {
  let out = ''
  content.forEach((node, offset) => {
    let xml: string
    if (node.isText) {
      xml = start < 0 ? text(node.text!) : splitAtEdges(node.text!, start + offset, counter.edges).map((piece) => 'edge' in piece
        ? `<inline name="${piece.edge.end === 'open' ? 'bracketStart' : 'bracketEnd'}" eId="span_${piece.edge.n}_${piece.edge.end === 'open' ? 'start' : 'end'}" class="span-${piece.edge.n}">${escapeXml(piece.text)}</inline>`
        : text(piece.text)).join('')
    } else if (node.type.name === 'footnote') {
      const endnote = node.attrs.kind === 'endnote'
      const n = endnote ? ++counter.endnotes : ++counter.footnotes
      // Akoma Ntoso has no placement at the end of the document: an endnote is told by its class (and roman marker).
      xml = `<authorialNote marker="${endnote ? roman(n) : n}"${endnote ? '' : ' placement="bottom"'} eId="${endnote ? 'en' : 'fn'}_${n}" class="${endnote ? 'endnote' : 'footnote'}"><p>${escapeXml(String(node.attrs.text))}</p></authorialNote>`
    }
    else if (node.type.name === 'bracket') {
      const eId = `brk_${++counter.brackets}`
      xml = `<inline name="bracket" eId="${eId}" class="depth-${depth + 1}">[${inline(node.content, depth + 1, counter)}]</inline>`
    } else if (node.type.name === 'delegation_mark') {
      const a = node.attrs
      xml = `<inline name="position" refersTo="${refs([a.delegation])}" class="${a.stance === '+' ? 'support' : 'oppose'}">${escapeXml(positionText(a as never))}</inline>`
    } else if (node.type.name === 'note') {
      xml = `<inline name="note" refersTo="${refs(String(node.attrs.delegations).split(', '))}">${escapeXml(noteText(node.attrs as never))}</inline>`
    } else xml = ''
    for (const name of orderedMarkNames(node)) {
      const tag = MARK_TAGS[name]
      if (tag) xml = `<${tag}>${xml}</${tag}>`
    }
    out += xml
  })
  return out
}

/**
 * Writes `doc` as an Akoma Ntoso 3.0 XML document (UTF-8 text). The snapshot's label and hash, when
 * given, are the expression's alias and version number.
 */
export function exportAkn(doc: Node, meta: ExportMeta): string {
  if (!meta || typeof meta.title !== 'string') throw new RangeError(`exportAkn: meta.title ${JSON.stringify(meta?.title)} is not a string`)
  const roster: readonly RosterEntry[] = meta.roster ?? DEFAULT_ROSTER
  const info = analyse(doc).paragraphs
  const date = (meta.date ?? new Date()).toISOString().slice(0, 10)
  const work = `/akn/int/doc/statement/${date}/${slug(meta.title)}`
  const expression = `${work}/eng@${meta.hash ? meta.hash.slice(0, 16).replace(/[^\w-]/g, '') : ''}`
  const codes = delegationsOf(doc)

  const counter: Counter = { brackets: 0, footnotes: 0, endnotes: 0, edges: spanningEdges(doc) }
  const used = new Set<string>()
  const sections: Record<'preface' | 'preamble' | 'mainBody', string[]> = { preface: [], preamble: [], mainBody: [] }
  let section: keyof typeof sections = 'preface'
  let i = 0
  for (const [k, line] of (meta.header ?? []).entries()) sections.preface.push(`      <container name="sourceHeader" eId="hdr_${k + 1}"><p>${escapeXml(line)}</p></container>`)
  doc.forEach((block, blockPos) => {
    const p = info[i++]
    const label = p.label ?? ''
    if (section === 'preface' && /^PP/.test(label)) section = 'preamble'
    if (section !== 'mainBody' && /^OP/.test(label)) section = 'mainBody'
    let eId = label ? label.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '') : ''
    if (!/^[a-z]/.test(eId)) eId = `blk_${i}${eId ? '_' + eId : ''}`
    while (used.has(eId)) eId += '_' + i
    used.add(eId)
    const name = p.kind === 'heading' ? 'heading' : 'paragraph'
    // Agreed ad ref is a state of its own: locked by the chair, whatever its brackets say.
    const cls = block.attrs.adref === true ? ' class="agreed-ad-ref"' : p.kind === 'heading' ? '' : ` class="${p.status}"`
    sections[section].push(`      <container name="${name}" eId="${eId}"${cls}><p>${inline(block.content, 0, counter, blockPos + 1)}</p></container>`)
  })
  // A doc's main body is required; a text without OP paragraphs has an empty one.
  if (sections.mainBody.length === 0) sections.mainBody.push('      <p/>')

  const orgs = codes.map((c) => {
    const name = roster.find((r) => r.code === c)?.name ?? c
    return `        <TLCOrganization eId="${delegationEid(c)}" href="/ontology/organization/delegation/${delegationEid(c)}" showAs="${escapeXml(name)}"/>`
  })
  const part = (tag: string, lines: string[]) => (lines.length ? `    <${tag}>\n${lines.join('\n')}\n    </${tag}>\n` : '')
  return `<?xml version="1.0" encoding="UTF-8"?>
<akomaNtoso xmlns="${AKN_NAMESPACE}">
  <doc name="statement">
    <meta>
      <identification source="#podium_app">
        <FRBRWork>
          <FRBRthis value="${escapeXml(work)}/!main"/>
          <FRBRuri value="${escapeXml(work)}"/>
          <FRBRdate date="${date}" name="generation"/>
          <FRBRauthor href="#podium_app"/>
          <FRBRcountry value="int"/>
          <FRBRname value="${escapeXml(meta.title)}"/>
        </FRBRWork>
        <FRBRExpression>
          <FRBRthis value="${escapeXml(expression)}/!main"/>
          <FRBRuri value="${escapeXml(expression)}"/>
${meta.label ? `          <FRBRalias value="${escapeXml(meta.label)}" name="label"/>\n` : ''}          <FRBRdate date="${date}" name="generation"/>
          <FRBRauthor href="#podium_app"/>
${meta.hash ? `          <FRBRversionNumber value="${escapeXml(meta.hash)}"/>\n` : ''}          <FRBRlanguage language="eng"/>
        </FRBRExpression>
        <FRBRManifestation>
          <FRBRthis value="${escapeXml(expression)}/!main.xml"/>
          <FRBRuri value="${escapeXml(expression)}.akn"/>
          <FRBRdate date="${date}" name="generation"/>
          <FRBRauthor href="#podium_app"/>
        </FRBRManifestation>
      </identification>
      <references source="#podium_app">
        <TLCOrganization eId="podium_app" href="/ontology/organization/podium" showAs="Podium"/>
${orgs.length ? orgs.join('\n') + '\n' : ''}      </references>
    </meta>
${part('preface', sections.preface)}${part('preamble', sections.preamble)}${part('mainBody', sections.mainBody)}  </doc>
</akomaNtoso>
`
}
