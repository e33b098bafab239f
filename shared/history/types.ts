// The shapes of a comparison between two states of a podium version.

/** How a piece of the text fared between the two states. */
export type ChangeKind = 'same' | 'added' | 'removed'

/** A run of text in a redline, with its marks (emphasis, strong, deletion) and who added or removed it. */
export interface RedlineText {
  type: 'text'
  text: string
  marks: string[]
  change: ChangeKind
  /** The delegation or role whose update made the change (from the server's records); null when unknown or unchanged. */
  by: string | null
  /**
   * For struck text (the `deletion` mark: a proposed deletion): who proposed it (set the mark), and
   * whether it was proposed between the two states (`since`) or was already proposed before.
   */
  proposal?: { by: string | null; since: boolean }
}

/** An inline node in a redline: a bracket (with content) or a position, note or footnote. */
export interface RedlineNode {
  type: 'bracket' | 'delegation_mark' | 'note' | 'footnote'
  attrs: Record<string, unknown>
  marks: string[]
  change: ChangeKind
  by: string | null
  /**
   * For a node in both states whose attributes changed between them (a stance flipped, a qualifier
   * added): the old attributes and who set the new ones. Absent when its attributes are unchanged.
   */
  attrsChanged?: { from: Record<string, unknown>; by: string | null }
  content: RedlineInline[]
}

/** Anything inline in a redline. */
export type RedlineInline = RedlineText | RedlineNode

/** A block (paragraph or heading) of a redline. */
export interface RedlineBlock {
  type: 'paragraph' | 'heading'
  id: string | null
  sep: string
  change: ChangeKind
  by: string | null
  /** For a block in both states whose attributes changed (agreed ad ref, its id): who set the new ones. */
  attrsChanged?: { from: Record<string, unknown>; by: string | null }
  content: RedlineInline[]
}

/** Says who made a Yjs change: who inserted an item, and who deleted it. */
export interface Attributor {
  /** The identity that created the item with this id (its client), or null. */
  inserted(client: number, clock: number): string | null
  /** The identity whose update deleted the item with this id, or null. */
  deleted(client: number, clock: number): string | null
}

/** One change in the list by paragraph, as negotiators say it ("IND opposed the bracket in PP4"). */
export interface ParagraphChange {
  /** The paragraph's ref (PP4, OP5(1)) or, without a label, the start of its text. */
  paragraph: string
  paragraphId: string | null
  kind: 'paragraph-added' | 'paragraph-removed' | 'text-changed' | 'deletion-proposed' | 'deletion-withdrawn' | 'bracket-added' | 'bracket-removed' | 'position-taken' | 'position-dropped' | 'note-added' | 'note-removed' | 'footnote-added' | 'footnote-removed'
  /** A sentence for people. */
  summary: string
  /** Who made the change, when the records say; several when more than one delegation touched it. */
  by: string[]
}

/** A comparison: the redline and the list of changes by paragraph. */
export interface Comparison {
  blocks: RedlineBlock[]
  changes: ParagraphChange[]
  /** Per identity, how many changes it made. */
  byIdentity: Record<string, number>
}

/** A snapshot as stored and listed (`GET /api/docs/<doc>/snapshots`): everything but its encoded state. */
export interface SnapshotMeta {
  id: number
  doc: string
  label: string
  createdAt: string
  /** Identity that took it (`token:<id>`, `delegation:IND`, `server` for the COB job, `cli`). */
  takenBy: string
  role: string
  /** The local date of the COB it was taken for, or null for a snapshot taken by hand. */
  cobDate: string | null
  /** SHA-256 (hex) of the snapshot's podium text. */
  sha256: string
  /** The last update id of the document's log included in it. */
  upto: number
  totals: { paragraphs: number; open: number; agreed: number; brackets: number; positions: number; notes: number }
}
