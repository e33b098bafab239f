// Bounds of what a block may hold, named once for the editor (comfort) and the server (enforcement).

/** Deepest nesting of brackets the server accepts (the podium text format keeps deeper ones as text). */
export const MAX_BRACKET_DEPTH = 64

/** Longest block id, in characters. */
export const MAX_BLOCK_ID_LENGTH = 64

/** Longest qualifier of a position (`with reservation`), in characters. */
export const MAX_QUALIFIER_LENGTH = 200

/** Longest note text, in characters. */
export const MAX_NOTE_TEXT_LENGTH = 2000

/** Longest footnote or endnote text, in characters (a legal footnote is a few lines). */
export const MAX_FOOTNOTE_TEXT_LENGTH = 10_000

/** Most delegation codes one note may list. */
export const MAX_NOTE_DELEGATIONS = 64

/** Most characters of text one block may hold (a long operative paragraph is a few thousand; the bound is for what a frame can carry). */
export const MAX_BLOCK_TEXT_LENGTH = 1_000_000

/** Most inline nodes (brackets, positions, notes) one block may hold. */
export const MAX_BLOCK_INLINE_NODES = 20_000
