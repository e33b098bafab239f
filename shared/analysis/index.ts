// Analysis of a podium version: labels, status, brackets, positions and notes.
export { analyse } from './analyse.ts'
export type { Analysis, BracketInfo, DelegationInfo, NoteInfo, ParagraphInfo, Position } from './analyse.ts'
export { labelOf, isSubLabel } from './labels.ts'
