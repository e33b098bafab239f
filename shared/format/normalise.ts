// The one normalisation podium text undergoes: Windows and old Mac line endings (CRLF, CR) read as
// newlines, trailing spaces and tabs at line ends removed, runs of three or more newlines made two,
// the whole trimmed and ended with one newline.

/** A line of normalised text, with where it came from in the original. */
export interface SourceLine {
  /** The line's text after normalisation. */
  text: string
  /** 1-based line number in the original text. */
  line: number
  /** How many characters were trimmed from the start of this line (only ever the first line). */
  columnOffset: number
}

/** Splits text into normalised lines, remembering each line's original line number. Blank lines are "". */
export function normalisedLines(text: string): SourceLine[] {
  // A Word or Windows clipboard ends lines with \r\n: a \r left in would be text (and a line of
  // only \r an empty paragraph).
  const raw = text.split(/\r\n|\r|\n/)
  const lines: SourceLine[] = raw.map((t, i) => ({ text: t.replace(/[ \t]+$/, ''), line: i + 1, columnOffset: 0 }))
  // The whole text is trimmed: drop lines that are only white space at both ends, then trim the edges.
  let start = 0
  while (start < lines.length && lines[start].text.trim() === '') start++
  let end = lines.length
  while (end > start && lines[end - 1].text.trim() === '') end--
  const kept = lines.slice(start, end)
  if (kept.length === 0) return []
  const first = kept[0]
  const trimmedStart = first.text.trimStart()
  kept[0] = { ...first, text: trimmedStart, columnOffset: first.text.length - trimmedStart.length }
  const last = kept[kept.length - 1]
  kept[kept.length - 1] = { ...last, text: last.text.trimEnd() }
  // Runs of blank lines collapse to one (three or more newlines become two).
  const out: SourceLine[] = []
  for (const l of kept) {
    if (l.text === '' && out.length > 0 && out[out.length - 1].text === '') continue
    out.push(l)
  }
  return out
}

/** Normalises podium text as the format defines; `serialize(parse(t)) === normalisePodiumText(t)` for every t. */
export function normalisePodiumText(text: string): string {
  return normalisedLines(text).map((l) => l.text).join('\n') + '\n'
}
