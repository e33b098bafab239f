import { escapeHtml } from '../render/escape.ts'
import { footnoteText, noteText, positionText } from '../schema.ts'
import type { Comparison, RedlineInline } from './types.ts'

// The comparison as an HTML page: the redline (insertions underlined, deletions struck, each with who
// made it) and the list of changes by paragraph.

const CSS = `
body { font: 12pt/1.5 Georgia, serif; max-width: 52em; margin: 2em auto; padding: 0 1em; color: #111; }
ins { background: #dff5e1; text-decoration: underline; } del { background: #fbe2e2; color: #8a0000; }
ins[data-by]::after, del[data-by]::after { content: attr(data-by); font: 8pt system-ui, sans-serif; vertical-align: super; margin-left: .2em; color: #555; }
.bracket::before { content: "["; font-weight: bold; } .bracket::after { content: "]"; font-weight: bold; }
.p { white-space: pre-wrap; margin: .6em 0; } h2 { font-size: 12pt; text-align: center; }
.changes li { margin: .2em 0; } .by { color: #555; font: 10pt system-ui, sans-serif; }
.proposed { text-decoration: line-through; }
`

function wrap(html: string, change: string, by: string | null): string {
  if (change === 'same') return html
  const tag = change === 'added' ? 'ins' : 'del'
  return `<${tag}${by ? ` data-by="${escapeHtml(by)}"` : ''}>${html}</${tag}>`
}

function inline(content: RedlineInline[]): string {
  return content.map((c) => {
    let html: string
    if (c.type === 'text') html = escapeHtml(c.text)
    else if (c.type === 'bracket') html = `<span class="bracket">${inline(c.content)}</span>`
    else if (c.type === 'delegation_mark') html = escapeHtml(positionText(c.attrs as never))
    else if (c.type === 'footnote') html = `<sup title="${escapeHtml(String(c.attrs.text ?? ''))}">${escapeHtml(footnoteText(c.attrs as never))}</sup>`
    else html = escapeHtml(noteText(c.attrs as never))
    if (c.marks.includes('deletion')) html = `<span class="proposed">${html}</span>`
    if (c.marks.includes('strong')) html = `<strong>${html}</strong>`
    if (c.marks.includes('emphasis')) html = `<em>${html}</em>`
    return wrap(html, c.change, c.by)
  }).join('')
}

/** Renders a comparison as a complete HTML page titled `title`. */
export function renderComparisonHtml(comparison: Comparison, title: string): string {
  const blocks = comparison.blocks.map((b) => {
    const body = wrap(inline(b.content), b.change, b.by)
    return b.type === 'heading' ? `<h2>${body}</h2>` : `<div class="p">${body}</div>`
  }).join('\n')
  const list = comparison.changes.map((c) =>
    `<li>${escapeHtml(c.summary)}${c.by.length ? ` <span class="by">— ${escapeHtml(c.by.join(', '))}</span>` : ''}</li>`).join('\n')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${CSS}</style></head>
<body><h1>${escapeHtml(title)}</h1>
<section class="changes"><h2>Changes by paragraph</h2><ul>
${list || '<li>No changes.</li>'}
</ul></section>
<section class="redline"><h2>Redline</h2>
${blocks}
</section></body></html>
`
}
