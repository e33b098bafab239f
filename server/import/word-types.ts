// The shapes of reading a Word document: the parts read, what reading them gave, and the segments a
// paragraph's content is cut into before its brackets are matched.

import type { Node } from 'prosemirror-model'
import type { XEl } from './xml.ts'

/** A mark the importer gives text: struck-through (or deleted) text, bold, italic. */
export type MarkName = 'deletion' | 'strong' | 'emphasis'
/** What to do with tracked changes: keep them as proposals (the default) or accept them all. */
export type TrackedChanges = 'keep' | 'accept'

/** The XML parts of a Word document the reader uses. */
export interface WordParts {
  document: XEl
  styles?: XEl
  numbering?: XEl
  comments?: XEl
  footnotes?: XEl
  endnotes?: XEl
  core?: XEl
  headers: XEl[]
}

/** A counted kind of thing the import did, with the first Word paragraphs it happened in. */
export interface Tally {
  count: number
  paragraphs: number[]
}

/** What reading a Word document gave. */
export interface WordRead {
  doc: Node
  title: string | null
  /** The header's text lines (a version line such as "Version 14/11/2024 13:00") and the core properties. */
  metadata: { header: string[]; version: string | null; coreTitle: string | null; subject: string | null; creator: string | null }
  counts: {
    numbered: number
    comments: number
    commentsMapped: number
    insertions: number
    deletions: number
    footnotes: number
    endnotes: number
    /** Footnotes and endnotes whose "}}" or final "}" was written ")" (podium text ends a footnote at "}}"). */
    footnoteBraces: number
    tables: number
    tableRows: number
  }
  /** Names comments and changes were attributed to that are not on the roster, with how often. */
  unknownNames: Record<string, number>
  /** Things left out, by kind (images, fields…), with places. */
  dropped: Record<string, Tally>
  /** For each block of the document, the Word paragraph (1-based) it came from. */
  paragraphOfBlock: number[]
}

/** One piece of a paragraph's content before brackets are matched. */
export type Seg =
  | { k: 'text'; s: string; marks: MarkName[]; ins: string | null; bracketStyle?: boolean }
  | { k: 'atom'; node: Node; ins: string | null }
  | { k: 'ins-open'; id: string; author: string }
  | { k: 'ins-close'; id: string }
