import type { ChangeKind, Comparison, RedlineInline } from '../../shared/history/types.ts'
import { escapeHtml } from '../../shared/render/escape.ts'
import { DEFAULT_ROSTER, type RosterEntry } from '../../shared/roster.ts'
import { noteText, positionText } from '../../shared/schema.ts'
import { formatMeetingTime, isTimeZone } from '../../shared/time.ts'
import { printPdf, type PdfOptions, type PdfResult } from './pdf.ts'

// The redline as capitals print it: a PDF in which what was inserted is underlined in green, what was
// deleted struck in red, and what was only *proposed* for deletion (struck text, still in the text)
// struck with a dashed orange line — each with who did it written after it in small capitals (text, so
// it survives black-and-white printing and copying), a legend, the list of changes by paragraph, and
// on every page a footer naming the two states and the date. A bracket put around words that stayed
// has only its [ and ] marked; its words are drawn as they fared themselves (as in the DOCX redline).

/** What the redline PDF says about itself. */
export interface RedlinePdfMeta {
  title: string
  /** "Podium version as of COB, 4 October 2022 → live text (2026-12-01 08:40 UTC)". */
  between: string
  /** When the later state was (ISO 8601); printed in the header and in every page's footer. */
  date: string
  /** The meeting's time zone the date is written in (IANA name); default UTC. */
  timeZone?: string
  roster?: readonly RosterEntry[]
}

const CSS = `
@page { size: A4; margin: 20mm 18mm; }
body { font: 12pt/1.6 "Times New Roman", Georgia, serif; color: #111; margin: 0; }
header { border-bottom: 1px solid #999; margin-bottom: 1.2em; }
header h1 { font-size: 14pt; margin: 0; } header p { margin: .2em 0 .6em; color: #444; font-size: 10pt; }
.legend { font: 9pt system-ui, sans-serif; color: #333; margin: 0 0 1.2em; }
.p { white-space: pre-wrap; margin: .6em 0; break-inside: avoid; }
.p.line { margin-top: 0; }
h2 { font-size: 12pt; text-align: center; margin: 1.2em 0 .5em; }
.block-added { border-left: 3px solid #1a7f37; padding-left: .5em; }
.block-removed { border-left: 3px solid #b3261e; padding-left: .5em; }
ins { text-decoration: underline 1.5px #1a7f37; color: #0b5d1e; background: #e3f5e6; }
del { text-decoration: line-through 1.5px #b3261e; color: #8a0000; background: #fbe4e2; }
s.proposal { text-decoration: line-through 1.5px dashed #c25e00; color: #7a4a00; }
s.struck { text-decoration: line-through; color: #555; }
.by { font: 600 7pt system-ui, sans-serif; vertical-align: super; margin: 0 .25em 0 .1em; padding: 0 .2em; border-radius: 2px; white-space: nowrap; }
.by.ins { color: #0b5d1e; border: 1px solid #1a7f37; }
.by.del { color: #8a0000; border: 1px solid #b3261e; }
.by.proposal { color: #7a4a00; border: 1px dashed #c25e00; }
.delim { font-weight: bold; }
.chip { font: 9pt system-ui, sans-serif; border: 1px solid var(--c); color: var(--c); border-radius: 9px; padding: 0 .4em; white-space: nowrap; }
.chip.oppose { background: var(--c); color: #fff; }
.note { font-style: italic; border-style: dashed; }
.changes { border-top: 1px solid #999; margin-top: 2em; font-size: 10pt; }
.changes h2 { text-align: left; } .changes .who { color: #444; font: 9pt system-ui, sans-serif; }
`

// A CSS string literal that cannot end the string or the <style> element it sits in.
function cssString(s: string): string {
  return '"' + s.replace(/[\\"<>\n\r]/g, (c) => '\\' + c.charCodeAt(0).toString(16).toUpperCase() + ' ') + '"'
}

const CODE = /^[A-Z][A-Z0-9_-]{1,11}$/

function colourOf(code: string, roster: readonly RosterEntry[]): string {
  const c = roster.find((r) => r.code === code)?.colour
  return c && /^#[0-9a-fA-F]{6}$/.test(c) ? c : '#555555'
}

function when(date: string, timeZone: string): string {
  if (typeof date !== 'string' || Number.isNaN(new Date(date).getTime())) throw new RangeError(`redline date ${JSON.stringify(date)} is not an ISO 8601 time`)
  if (!isTimeZone(timeZone)) throw new RangeError(`redline time zone ${JSON.stringify(timeZone)} is not an IANA time zone`)
  return formatMeetingTime(date, timeZone)
}

// One drawn piece of a paragraph, with the change it carries.
interface Piece { html: string; change: ChangeKind; by: string | null }

function byLabel(kind: 'ins' | 'del' | 'proposal', by: string | null): string {
  const who = escapeHtml(by ?? 'unknown')
  const words = kind === 'ins' ? `inserted by ${who}` : kind === 'del' ? `deleted by ${who}` : `deletion proposed by ${who}`
  // The visible tag is the code; the words are for copying and screen readers.
  return `<span class="by ${kind}" title="${words}">${kind === 'proposal' ? `proposed: ${who}` : who}</span>`
}

// Runs of pieces with the same change by the same person share one <ins>/<del> and one author tag.
function grouped(pieces: Piece[]): string {
  let out = ''
  for (let i = 0; i < pieces.length;) {
    const p = pieces[i]
    let j = i + 1
    while (j < pieces.length && pieces[j].change === p.change && pieces[j].by === p.by) j++
    const html = pieces.slice(i, j).map((x) => x.html).join('')
    if (p.change === 'same') out += html
    else {
      const tag = p.change === 'added' ? 'ins' : 'del'
      out += `<${tag}>${html}</${tag}>${byLabel(tag, p.by)}`
    }
    i = j
  }
  return out
}

function pieces(content: RedlineInline[], inherited: ChangeKind, inheritedBy: string | null, roster: readonly RosterEntry[]): Piece[] {
  const out: Piece[] = []
  for (const c of content) {
    // Inside an added or removed block, unchanged pieces share its change.
    const change: ChangeKind = c.change === 'same' ? inherited : c.change
    const by = c.change === 'same' ? inheritedBy : c.by
    const style = (html: string) => {
      let h = html
      if (c.marks.includes('strong')) h = `<strong>${h}</strong>`
      if (c.marks.includes('emphasis')) h = `<em>${h}</em>`
      return h
    }
    if (c.type === 'text') {
      let html = escapeHtml(c.text)
      if (c.marks.includes('deletion')) {
        // A proposal is not a deletion: struck in its own way, with who proposed it when that is new.
        html = c.proposal?.since && change !== 'removed'
          ? `<s class="proposal">${html}</s>${byLabel('proposal', c.proposal.by)}`
          : `<s class="struck">${html}</s>`
      }
      out.push({ html: style(html), change, by })
    } else if (c.type === 'bracket') {
      out.push({ html: style('<span class="delim">[</span>'), change, by })
      // The words a bracket was put around fared as themselves: not part of the bracket's change.
      out.push(...pieces(c.content, inherited, inheritedBy, roster))
      out.push({ html: style('<span class="delim">]</span>'), change, by })
    } else if (c.type === 'delegation_mark') {
      const code = String(c.attrs.delegation)
      const oppose = c.attrs.stance === '-'
      out.push({ html: `<span class="chip${oppose ? ' oppose' : ''}" style="--c: ${CODE.test(code) ? colourOf(code, roster) : '#555555'}">${escapeHtml(positionText(c.attrs as never))}</span>`, change, by })
    } else {
      out.push({ html: `<span class="chip note" style="--c: #333333">${escapeHtml(noteText(c.attrs as never))}</span>`, change, by })
    }
  }
  return out
}

/** The redline of a comparison as a complete print HTML page (A4, the footer and page numbers on every page). */
export function renderRedlineHtml(comparison: Comparison, meta: RedlinePdfMeta): string {
  if (!meta || typeof meta.title !== 'string' || typeof meta.between !== 'string') throw new RangeError(`renderRedlineHtml: meta ${JSON.stringify(meta)} has no title and between`)
  const roster = meta.roster ?? DEFAULT_ROSTER
  const made = when(meta.date, meta.timeZone ?? 'UTC')
  const blocks = comparison.blocks.map((b) => {
    const body = grouped(pieces(b.content, b.change, b.by, roster))
    // A block added or removed whole: its words carry the change and who made it; a bar in the margin besides.
    const whole = b.change === 'same' ? '' : ` block-${b.change}`
    return b.type === 'heading'
      ? `<h2 class="${whole.trim()}">${body}</h2>`
      : `<div class="p${b.sep === 'line' ? ' line' : ''}${whole}">${body}</div>`
  }).join('\n')
  const changes = comparison.changes.map((c) => `<li>${escapeHtml(c.paragraph)}: ${escapeHtml(c.summary)}${c.by.length ? ` <span class="who">— ${escapeHtml(c.by.join(', '))}</span>` : ''}</li>`).join('\n')
  const footer = `Redline: ${meta.between} · ${made}`
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(meta.title)} — redline</title>
<style>${CSS}@page { @bottom-left { content: ${cssString(footer)}; font: 7pt system-ui, sans-serif; color: #555; } @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 8pt system-ui, sans-serif; color: #555; } }</style></head>
<body>
<header><h1>${escapeHtml(meta.title)}</h1><p>Redline: ${escapeHtml(meta.between)} · ${escapeHtml(made)}</p></header>
<p class="legend">Legend: <ins>inserted</ins> (underlined) · <del>deleted</del> (struck) · <s class="proposal">proposed for deletion</s> (struck, dashed) · after each change, who made it.</p>
<main>
${blocks}
</main>
<section class="changes"><h2>Changes by paragraph</h2><ul>
${changes || '<li>No changes.</li>'}
</ul></section>
</body></html>
`
}

/** The redline of a comparison printed to PDF by headless Chromium; no browser, or a failed print, is a value. */
export function exportRedlinePdf(comparison: Comparison, meta: RedlinePdfMeta, options: PdfOptions = {}): Promise<PdfResult> {
  return printPdf(renderRedlineHtml(comparison, meta), options)
}
