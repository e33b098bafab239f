// The trust rules: what a block may hold and who may change what, shared by the editor and the server.

export { AGREED_LOCKED, checkAuthority, delegationName } from './authority.ts'
export { validateBlock, noteCodes, NOTE_CODE_SEPARATOR } from './validate.ts'
export {
  MAX_BLOCK_ID_LENGTH, MAX_BLOCK_INLINE_NODES, MAX_BLOCK_TEXT_LENGTH, MAX_BRACKET_DEPTH,
  MAX_NOTE_DELEGATIONS, MAX_NOTE_TEXT_LENGTH, MAX_QUALIFIER_LENGTH
} from './limits.ts'
export type { BlockJSON, BlockState, Change, ChangedBlock, InlineJSON, Provenance, RuleName, Sender, Violation } from './types.ts'
export { readBlock, isViolation } from './block-view.ts'
export type { AuthorOf, Visible } from './block-view.ts'
export { blockStateOf, changeBetween } from './pm-change.ts'
export type { BlockAuthors } from './pm-change.ts'
export { documentFromJSON, MAX_DOC_BLOCKS } from './document.ts'
