import type { Fragment, Node } from 'prosemirror-model'
import { analyse } from '../analysis/index.ts'
import { DEFAULT_ROSTER, type RosterEntry } from '../roster.ts'
import { noteText, positionText } from '../schema.ts'
import { escapeHtml } from './escape.ts'
import { orderedMarkNames } from '../node-marks.ts'
import { blocksInSpans, spanningEdges, splitAtEdges, type SpanEdge } from './spans.ts'

// A readable, printable HTML page of a podium version: brackets visibly paired and shaded by depth,
// positions and notes as chips in the delegation's colour, proposed deletions struck, each paragraph
// with its label and status. Used by `podium convert --to html` and the export endpoints.

/** Options for renderHtml. */
export interface HtmlOptions {
  /** The page title; default "Podium version". */
  title?: string
  /** A line under the title, e.g. a snapshot's label and hash. */
  subtitle?: string
  /** The document's header lines from its source (a Word header such as "Version 14/11/2024 13:00"), shown above the title. */
  header?: readonly string[]
  /** Text in every printed page's footer (a snapshot's label and hash), beside the page number. */
  footer?: string
  roster?: readonly RosterEntry[]
}

// A CSS string literal that cannot end the string or the <style> element it sits in.
function cssString(s: string): string {
  return '"' + s.replace(/[\\"<>\n\r]/g, (c) => '\\' + c.charCodeAt(0).toString(16).toUpperCase() + ' ') + '"'
}

// Page furniture for print (A4, numbered pages, the footer line). Chromium prints @page margin boxes.
function pageCss(footer: string | undefined): string {
  const left = footer ? `@bottom-left { content: ${cssString(footer)}; font: 8pt system-ui, sans-serif; color: #555; }` : ''
  return `@page { ${left} @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 8pt system-ui, sans-serif; color: #555; } }`
}

const CSS = `
@page { size: A4; margin: 20mm 18mm; }
body { font: 12pt/1.5 "Times New Roman", Georgia, serif; color: #111; max-width: 48em; margin: 2em auto; padding: 0 1em; }
header { border-bottom: 1px solid #999; margin-bottom: 1.5em; }
header h1 { font-size: 14pt; margin: 0; } header p { margin: .2em 0 .8em; color: #555; font-size: 10pt; }
h2 { font-size: 12pt; text-align: center; margin: 1.4em 0 .6em; white-space: pre-wrap; }
.para { display: grid; grid-template-columns: 6.5em 1fr; gap: .8em; margin: .5em 0; }
.para.line { margin-top: 0; }
.gutter { font: 9pt/1.9 system-ui, sans-serif; color: #555; text-align: right; }
.gutter .status { display: inline-block; padding: 0 .4em; border-radius: 3px; margin-left: .3em; }
.status.open { background: #fde9c8; color: #7a4a00; } .status.agreed { background: #d9f2dd; color: #1c5e2a; }
.text { white-space: pre-wrap; }
.bracket { border-radius: 2px; }
.bracket::before, .bracket::after { font-weight: bold; color: #a00; }
.bracket::before { content: "["; } .bracket::after { content: "]"; }
.d1 { background: rgba(255, 196, 0, .16); } .d2 { background: rgba(255, 120, 0, .18); } .d3 { background: rgba(220, 40, 40, .16); }
.chip { font: 9pt system-ui, sans-serif; border: 1px solid var(--c); color: var(--c); border-radius: 9px; padding: 0 .45em; white-space: nowrap; }
.chip.oppose { background: var(--c); color: #fff; }
.note { font-style: italic; border-style: dashed; }
s { text-decoration: line-through; color: #8a0000; }
.edge { font-weight: bold; color: #a00; background: rgba(255, 196, 0, .16); }
.para.spanned .text { border-left: 3px solid rgba(255, 160, 0, .55); padding-left: .5em; }
sup.fn a { text-decoration: none; color: #1f4e79; font: bold 8pt system-ui, sans-serif; }
.notes { border-top: 1px solid #999; margin-top: 2em; font-size: 10pt; }
.notes h2 { text-align: left; } .notes li { white-space: pre-wrap; }
.source-header { text-align: right; color: #555; font: 9pt system-ui, sans-serif; margin: 0; }
@media print { body { margin: 0; max-width: none; } .para { break-inside: avoid; } }
`

function colourOf(code: string, roster: readonly RosterEntry[]): string {
  return roster.find((r) => r.code === code)?.colour ?? '#555555'
}

// What rendering the inline content needs besides the roster: the ends of brackets over several
// paragraphs (by position) and the footnotes and endnotes met so far, numbered in document order.
interface Ctx {
  roster: readonly RosterEntry[]
  edges: ReadonlyMap<number, SpanEdge>
  footnotes: string[]
  endnotes: string[]
}

function roman(n: number): string {
  const r: [number, string][] = [[1000, 'm'], [900, 'cm'], [500, 'd'], [400, 'cd'], [100, 'c'], [90, 'xc'], [50, 'l'], [40, 'xl'], [10, 'x'], [9, 'ix'], [5, 'v'], [4, 'iv'], [1, 'i']]
  let out = ''
  for (const [v, t] of r) while (n >= v) { out += t; n -= v }
  return out
}

function footnoteHtml(node: Node, ctx: Ctx): string {
  const endnote = node.attrs.kind === 'endnote'
  const list = endnote ? ctx.endnotes : ctx.footnotes
  list.push(String(node.attrs.text))
  const n = list.length
  const id = `${endnote ? 'en' : 'fn'}-${n}`
  return `<sup class="fn"><a id="${id}-ref" href="#${id}" title="${escapeHtml(String(node.attrs.text))}">${endnote ? roman(n) : n}</a></sup>`
}

// `start` is the position of the content's first child when the ends of brackets over several
// paragraphs may be in it (top-level text), else -1.
function inline(content: Fragment, depth: number, ctx: Ctx, start: number): string {
  let out = ''
  content.forEach((node, offset) => {
    let html: string
    if (node.isText) {
      html = start < 0
        ? escapeHtml(node.text!)
        : splitAtEdges(node.text!, start + offset, ctx.edges).map((piece) => 'edge' in piece
          ? `<span class="edge" title="${piece.edge.end === 'open' ? 'opens' : 'closes'} a bracket over paragraphs" data-bracket="${piece.edge.n}">${escapeHtml(piece.text)}</span>`
          : escapeHtml(piece.text)).join('')
    } else if (node.type.name === 'bracket') {
      html = `<span class="bracket d${Math.min(depth + 1, 3)}">${inline(node.content, depth + 1, ctx, -1)}</span>`
    } else if (node.type.name === 'delegation_mark') {
      const a = node.attrs
      const title = `${a.delegation} ${a.stance === '+' ? 'supports' : 'opposes'}${a.qualifier ? ' ' + a.qualifier : ''}`
      html = `<span class="chip ${a.stance === '+' ? 'support' : 'oppose'}" style="--c:${colourOf(a.delegation, ctx.roster)}" title="${escapeHtml(title)}">${escapeHtml(positionText(a as never))}</span>`
    } else if (node.type.name === 'note') {
      const first = String(node.attrs.delegations).split(', ')[0]
      html = `<span class="chip note" style="--c:${colourOf(first, ctx.roster)}">${escapeHtml(noteText(node.attrs as never))}</span>`
    } else if (node.type.name === 'footnote') {
      html = footnoteHtml(node, ctx)
    } else html = ''
    for (const name of orderedMarkNames(node)) {
      const tag = name === 'deletion' ? 's' : name === 'strong' ? 'strong' : 'em'
      html = `<${tag}>${html}</${tag}>`
    }
    out += html
  })
  return out
}

function notesSection(ctx: Ctx): string {
  if (!ctx.footnotes.length && !ctx.endnotes.length) return ''
  const list = (texts: string[], prefix: string, type: string) => texts.length
    ? `<ol${type ? ` type="${type}"` : ''}>${texts.map((t, i) => `<li id="${prefix}-${i + 1}">${escapeHtml(t)} <a href="#${prefix}-${i + 1}-ref">↩</a></li>`).join('')}</ol>`
    : ''
  return `<section class="notes">${ctx.footnotes.length ? `<h2>Footnotes</h2>${list(ctx.footnotes, 'fn', '')}` : ''}${ctx.endnotes.length ? `<h2>Endnotes</h2>${list(ctx.endnotes, 'en', 'i')}` : ''}</section>`
}

/** Renders a podium document as a complete, self-contained HTML page. */
export function renderHtml(doc: Node, options: HtmlOptions = {}): string {
  const roster = options.roster ?? DEFAULT_ROSTER
  const info = analyse(doc).paragraphs
  const edges = spanningEdges(doc)
  const spanned = blocksInSpans(edges)
  const ctx: Ctx = { roster, edges, footnotes: [], endnotes: [] }
  const body: string[] = []
  let i = 0
  doc.forEach((block, blockPos) => {
    const p = info[i++]
    const content = inline(block.content, 0, ctx, blockPos + 1)
    if (block.type.name === 'heading') {
      body.push(`<h2>${content}</h2>${block.attrs.adref === true ? '<p class="adref">[Agreed ad ref]</p>' : ''}`)
      return
    }
    const status = block.attrs.adref === true ? '<span class="status adref">agreed ad ref</span>' : `<span class="status ${p.status}">${p.status}</span>`
    const gutter = `${p.label ? escapeHtml(p.label) : ''}${status}`
    body.push(`<div class="para${block.attrs.sep === 'line' ? ' line' : ''}${spanned.has(i - 1) ? ' spanned' : ''}"><div class="gutter">${gutter}</div><div class="text">${content}</div></div>`)
  })
  const title = escapeHtml(options.title ?? 'Podium version')
  const subtitle = options.subtitle ? `<p>${escapeHtml(options.subtitle)}</p>` : ''
  const header = options.header?.length ? options.header.map((l) => `<p class="source-header">${escapeHtml(l)}</p>`).join('') : ''
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${title}</title><style>${CSS}${pageCss(options.footer)}</style></head>
<body>
<header>${header}<h1>${title}</h1>${subtitle}</header>
<main>
${body.join('\n')}
</main>
${notesSection(ctx)}
</body>
</html>
`
}
