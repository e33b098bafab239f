import type { Fragment, Node } from 'prosemirror-model'
import { analyse } from '../analysis/index.ts'
import { DEFAULT_ROSTER, type RosterEntry } from '../roster.ts'
import { noteText, positionText } from '../schema.ts'
import { escapeHtml } from './escape.ts'
import { orderedMarkNames } from '../node-marks.ts'

// A readable, printable HTML page of a podium version: brackets visibly paired and shaded by depth,
// positions and notes as chips in the delegation's colour, proposed deletions struck, each paragraph
// with its label and status. Used by `podium convert --to html` and the export endpoints.

/** Options for renderHtml. */
export interface HtmlOptions {
  /** The page title; default "Podium version". */
  title?: string
  /** A line under the title, e.g. a snapshot's label and hash. */
  subtitle?: string
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
@media print { body { margin: 0; max-width: none; } .para { break-inside: avoid; } }
`

function colourOf(code: string, roster: readonly RosterEntry[]): string {
  return roster.find((r) => r.code === code)?.colour ?? '#555555'
}

function inline(content: Fragment, depth: number, roster: readonly RosterEntry[]): string {
  let out = ''
  content.forEach((node) => {
    let html: string
    if (node.isText) html = escapeHtml(node.text!)
    else if (node.type.name === 'bracket') {
      html = `<span class="bracket d${Math.min(depth + 1, 3)}">${inline(node.content, depth + 1, roster)}</span>`
    } else if (node.type.name === 'delegation_mark') {
      const a = node.attrs
      const title = `${a.delegation} ${a.stance === '+' ? 'supports' : 'opposes'}${a.qualifier ? ' ' + a.qualifier : ''}`
      html = `<span class="chip ${a.stance === '+' ? 'support' : 'oppose'}" style="--c:${colourOf(a.delegation, roster)}" title="${escapeHtml(title)}">${escapeHtml(positionText(a as never))}</span>`
    } else if (node.type.name === 'note') {
      const first = String(node.attrs.delegations).split(', ')[0]
      html = `<span class="chip note" style="--c:${colourOf(first, roster)}">${escapeHtml(noteText(node.attrs as never))}</span>`
    } else html = ''
    for (const name of orderedMarkNames(node)) {
      const tag = name === 'deletion' ? 's' : name === 'strong' ? 'strong' : 'em'
      html = `<${tag}>${html}</${tag}>`
    }
    out += html
  })
  return out
}

/** Renders a podium document as a complete, self-contained HTML page. */
export function renderHtml(doc: Node, options: HtmlOptions = {}): string {
  const roster = options.roster ?? DEFAULT_ROSTER
  const info = analyse(doc).paragraphs
  const body: string[] = []
  let i = 0
  doc.forEach((block) => {
    const p = info[i++]
    const content = inline(block.content, 0, roster)
    if (block.type.name === 'heading') {
      body.push(`<h2>${content}</h2>${block.attrs.adref === true ? '<p class="adref">[Agreed ad ref]</p>' : ''}`)
      return
    }
    const status = block.attrs.adref === true ? '<span class="status adref">agreed ad ref</span>' : `<span class="status ${p.status}">${p.status}</span>`
    const gutter = `${p.label ? escapeHtml(p.label) : ''}${status}`
    body.push(`<div class="para${block.attrs.sep === 'line' ? ' line' : ''}"><div class="gutter">${gutter}</div><div class="text">${content}</div></div>`)
  })
  const title = escapeHtml(options.title ?? 'Podium version')
  const subtitle = options.subtitle ? `<p>${escapeHtml(options.subtitle)}</p>` : ''
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${title}</title><style>${CSS}${pageCss(options.footer)}</style></head>
<body>
<header><h1>${title}</h1>${subtitle}</header>
<main>
${body.join('\n')}
</main>
</body>
</html>
`
}
