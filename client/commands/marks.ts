import type { Command } from 'prosemirror-state'
import { toggleMark } from 'prosemirror-commands'
import { schema } from '../../shared/schema.ts'

/** Proposes the selected words for deletion (struck through, `~~…~~`), or takes the proposal back. */
export const toggleDeletion: Command = toggleMark(schema.marks.deletion)

/** Strong (`**…**`) on the selection, or off again. */
export const toggleStrong: Command = toggleMark(schema.marks.strong)

/** Emphasis (`*…*`) on the selection, or off again. */
export const toggleEmphasis: Command = toggleMark(schema.marks.emphasis)
