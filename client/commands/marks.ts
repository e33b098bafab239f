import type { Command } from 'prosemirror-state'
import { schema } from '../../shared/schema.ts'
import { toggleNodeAwareMark } from '../editor/node-marks.ts'

// A whole bracket, position or note keeps its marks in its `marks` attribute (client/editor/node-marks.ts).

/** Proposes the selected words for deletion (struck through, `~~…~~`), or takes the proposal back. */
export const toggleDeletion: Command = toggleNodeAwareMark(schema.marks.deletion)

/** Strong (`**…**`) on the selection, or off again. */
export const toggleStrong: Command = toggleNodeAwareMark(schema.marks.strong)

/** Emphasis (`*…*`) on the selection, or off again. */
export const toggleEmphasis: Command = toggleNodeAwareMark(schema.marks.emphasis)
