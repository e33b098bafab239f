// Analysis of a podium version: labels, status, brackets, positions and notes.
export { analyse, spanningBrackets } from './analyse.ts'
export type { Analysis, SpanningBracket, BracketInfo, DelegationInfo, NoteInfo, ParagraphInfo, Position } from './analyse.ts'
export { labelOf, isSubLabel } from './labels.ts'
export { incrementalAnalyser } from './incremental.ts'
export type { IncrementalAnalyser } from './incremental.ts'
