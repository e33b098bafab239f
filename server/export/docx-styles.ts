// The Word styles a Podium DOCX uses. The importer recognises a Podium file by these style ids, so
// they are the contract between server/export/docx.ts and server/import/docx.ts.

/** Paragraph and character style ids written by the DOCX export and read by the DOCX import. */
export const DOCX_STYLES = Object.freeze({
  /** The document title (export furniture: skipped on import). */
  title: 'PodiumTitle',
  /** The "as of COB" line under the title (export furniture: skipped on import). */
  asOf: 'PodiumAsOf',
  /** A paragraph after a blank line in podium text. */
  paragraph: 'PodiumParagraph',
  /** A paragraph on the line right after the previous block (podium text's single line break). */
  paragraphLine: 'PodiumParagraphLine',
  /** A heading after a blank line. */
  heading: 'PodiumHeading',
  /** A heading on the line right after the previous block. */
  headingLine: 'PodiumHeadingLine',
  /** Character style of a bracket's `[` and `]` (bold by the style, not by direct formatting). */
  bracket: 'PodiumBracket',
  /** Character style of a supporting position such as `(+IND)`. */
  position: 'PodiumPosition',
  /** Character style of an opposing position such as `(-IND)` (bold by the style). */
  positionOppose: 'PodiumPositionOppose',
  /** Character style of a note such as `(IND: keep original)`. */
  note: 'PodiumNote'
})
