// The plain text of Word paragraphs, as comments, headers and footnotes are read, and a footnote's text
// made safe for podium text.

import { textOf, type XEl } from './xml.ts'

/** A footnote's text as podium text can hold it (isFootnoteText): a `}` that would end it early or last is written `)`. */
export function footnoteSafe(text: string): string {
  let out = text
  while (/\}\}|\}$/.test(out)) out = out.replace(/\}(?=\}|$)/, ')')
  return out
}

/** A paragraph's text with tabs and line breaks as spaces, deleted text and field codes left out: a comment's or a header's. */
export function runText(p: XEl): string {
  let out = ''
  const walk = (el: XEl) => {
    for (const c of el.children) {
      if (typeof c === 'string') continue
      if (c.name === 'w:t') out += textOf(c)
      else if (c.name === 'w:tab') out += ' '
      else if (c.name === 'w:br') out += ' '
      else if (c.name !== 'w:instrText' && c.name !== 'w:delText') walk(c)
    }
  }
  walk(p)
  return out
}

/** A footnote paragraph's text as Word shows it: tabs kept, line breaks as spaces, deleted text left out. */
export function noteText(p: XEl): string {
  let out = ''
  const walk = (el: XEl) => {
    for (const c of el.children) {
      if (typeof c === 'string') continue
      if (c.name === 'w:t') out += textOf(c)
      else if (c.name === 'w:tab') out += '\t'
      else if (c.name === 'w:br' || c.name === 'w:cr') out += ' '
      else if (c.name === 'w:noBreakHyphen') out += '\u2011'
      else if (c.name !== 'w:instrText' && c.name !== 'w:delText' && c.name !== 'w:del' && c.name !== 'w:moveFrom') walk(c)
    }
  }
  walk(p)
  return out
}
