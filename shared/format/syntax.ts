import { CODE_PATTERN } from '../roster.ts'

// The regular expressions of podium text's inline syntax, in one place for parser and serializer.

// Latin or Cyrillic capitals: `IND`, `ИНД` (a podium version in Russian writes the same marks in Cyrillic).
const CODE = '[A-ZА-ЯЁ][A-ZА-ЯЁ0-9]{1,15}'
// Free text inside a mark or note: starts and ends with a non-space, holds no parentheses,
// brackets or line breaks (so a mark never swallows a bracket or another mark).
const FREE = '[^\\s()\\[\\]](?:[^()\\[\\]\\n]*[^\\s()\\[\\]])?'

/** The source of a position's pattern (groups: stance, code, qualifier), for readers that build their own expressions. */
export function positionPattern(): string {
  return `\\(([+-])(${CODE})(?: (${FREE}))?\\)`
}

/** The source of a note's pattern (groups: codes, separator, text). */
export function notePattern(): string {
  return `\\((${CODE}(?:, ${CODE})*)(: | )(${FREE})\\)`
}

/** `(+CODE)`, `(-CODE)`, `(+CODE qualifier)`: groups stance, code, qualifier. Sticky: match at lastIndex. */
export const POSITION_RE = new RegExp(`\\(([+-])(${CODE})(?: (${FREE}))?\\)`, 'y')

/** `(CODE, CODE: text)` or `(CODE, CODE text)`: groups codes, separator, text. Sticky. */
export const NOTE_RE = new RegExp(`\\((${CODE}(?:, ${CODE})*)(: | )(${FREE})\\)`, 'y')

/** Every `(+X)`/`(-X)` code in a text: a code so used anywhere is a delegation throughout that text. */
export function codesInPositions(text: string): Set<string> {
  const found = new Set<string>()
  const re = new RegExp(`\\([+-](${CODE})(?: ${FREE})?\\)`, 'g')
  for (const m of text.matchAll(re)) found.add(m[1])
  return found
}

/** Marks that look like positions (`(+Iran)`, `(+XYZ)`) with their code as written, for reporting those the roster does not know. */
export function positionLookalikes(text: string): { code: string; at: number; text: string }[] {
  const out: { code: string; at: number; text: string }[] = []
  for (const m of text.matchAll(/\(([+-])([^\s()[\]+-][^\s()[\]]{0,30})(?: [^()[\]\n]*)?\)/g)) out.push({ code: m[2], at: m.index!, text: m[0] })
  return out
}

/** Whether `code` has the shape of a delegation code. */
export function isCode(code: string): boolean {
  return CODE_PATTERN.test(code)
}
