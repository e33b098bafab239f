// History of a podium version: redlines and lists of changes between two states, with attribution.
export { compareSnapshots, docAtSnapshot } from './compare.ts'
export { redline } from './redline.ts'
export { listChanges } from './changes.ts'
export { carryIds } from './carry-ids.ts'
export { recordsAttributor, deleteSetOfUpdate } from './attribution.ts'
export type { DeleteSet, DeletionRecord } from './attribution.ts'
export { renderComparisonHtml } from './render.ts'
export type { Attributor, ChangeKind, Comparison, ParagraphChange, RedlineBlock, RedlineInline, RedlineNode, RedlineText, SnapshotMeta } from './types.ts'
