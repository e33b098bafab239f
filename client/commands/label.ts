import type { Command } from 'prosemirror-state'
import type { Node } from 'prosemirror-model'
import { schema } from '../../shared/schema.ts'

/** The two series of paragraph labels: preambular (PP) and operative (OP). */
export type LabelSeries = 'PP' | 'OP'

/** A PP/OP label split into its parts: `PP5b` → { series: 'PP', number: 5, suffix: 'b' }. */
export interface ParsedLabel {
  series: LabelSeries
  number: number
  suffix: string
}

// Labels as drafters write them at the start of a paragraph, possibly inside its bracket: "[PP5e. …".
const LABEL_AT_START = /^\s*\[?\s*(PP|OP)\s?(\d+)([a-z]*)\b/

/** The PP/OP label a paragraph's text starts with, or null ("13.", "(1)" and unlabelled text give null). */
export function parseLabel(text: string): ParsedLabel | null {
  const m = LABEL_AT_START.exec(text)
  if (!m) return null
  return { series: m[1] as LabelSeries, number: Number(m[2]), suffix: m[3] }
}

/** Formats a parsed label back: { PP, 5, 'b' } → `PP5b`. */
export function formatLabel(l: ParsedLabel): string {
  return `${l.series}${l.number}${l.suffix}`
}

// a → b … z → za: insertions between PP5z and PP6 stay orderable.
function nextSuffix(s: string): string {
  if (s === '') return 'a'
  const last = s[s.length - 1]
  return last === 'z' ? s + 'a' : s.slice(0, -1) + String.fromCharCode(last.charCodeAt(0) + 1)
}

/**
 * The next free label in `series` after `previous` (the last label of that series before the
 * insertion point, or null): the next number when no later number of the series is used yet
 * (PP5 → PP6 at the end), otherwise the next free letter (PP5 → PP5a, PP5b → PP5c, skipping used ones).
 * With no previous label: the lowest unused number (PP1, PP2, …).
 */
export function nextFreeLabel(series: LabelSeries, previous: ParsedLabel | null, used: ReadonlySet<string>): string {
  if (!previous || previous.series !== series) {
    let n = 1
    while (used.has(`${series}${n}`)) n++
    return `${series}${n}`
  }
  const laterNumberUsed = [...used].some((u) => {
    const p = parseLabel(u)
    return p !== null && p.series === series && p.number > previous.number
  })
  if (!laterNumberUsed && !used.has(`${series}${previous.number + 1}`)) return `${series}${previous.number + 1}`
  let suffix = nextSuffix(previous.suffix)
  while (used.has(`${series}${previous.number}${suffix}`)) suffix = nextSuffix(suffix)
  return `${series}${previous.number}${suffix}`
}

/** Every PP/OP label in the document, in order, with the paragraph's position. */
export function labelsIn(doc: Node): { label: ParsedLabel; pos: number }[] {
  const out: { label: ParsedLabel; pos: number }[] = []
  doc.forEach((block, pos) => {
    const label = parseLabel(block.textContent)
    if (label) out.push({ label, pos })
  })
  return out
}

/**
 * Inserts the next free paragraph label at the start of the paragraph holding the cursor: `PP5a. `.
 * The series is `series`, or else the series of the last label above the cursor (PP when none).
 * Fails when the paragraph already starts with a label or the cursor is not in a paragraph.
 */
export function insertNextLabel(series?: LabelSeries): Command {
  return (state, dispatch) => {
    const { $from } = state.selection
    if ($from.depth < 1) return false
    const block = $from.node(1)
    if (block.type !== schema.nodes.paragraph || parseLabel(block.textContent)) return false
    const blockPos = $from.before(1)
    const all = labelsIn(state.doc)
    const above = all.filter((l) => l.pos < blockPos)
    const chosen: LabelSeries = series ?? above[above.length - 1]?.label.series ?? 'PP'
    const previous = [...above].reverse().find((l) => l.label.series === chosen)?.label ?? null
    const used = new Set(all.map((l) => formatLabel(l.label)))
    const label = nextFreeLabel(chosen, previous, used)
    if (dispatch) dispatch(state.tr.insertText(`${label}. `, blockPos + 1).scrollIntoView())
    return true
  }
}

/** Whether the cursor's paragraph is in the preamble: PP labels above it and an OP label below. */
export function inPreamble(state: import('prosemirror-state').EditorState): boolean {
  const { $from } = state.selection
  if ($from.depth < 1) return false
  const blockPos = $from.before(1)
  const all = labelsIn(state.doc)
  const above = all.filter((l) => l.pos < blockPos)
  return above[above.length - 1]?.label.series === 'PP' && all.some((l) => l.pos > blockPos && l.label.series === 'OP')
}
