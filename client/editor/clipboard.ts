import { Fragment, Slice, type Node } from 'prosemirror-model'
import type { EditorView } from 'prosemirror-view'
import { parsePodium, serializePodium, serializeInline } from '../../shared/format/index.ts'
import { schema, positionText } from '../../shared/schema.ts'
import { rosterCodes, type RosterEntry } from '../../shared/roster.ts'

/**
 * Copy: a selection as podium text. Whole or partial paragraphs become blocks separated by blank
 * lines; a selection inside one paragraph gives its inline podium text (`[…] (+CHN)`).
 */
export function sliceToPodium(slice: Slice): string {
  const content = slice.content
  if (content.childCount > 0 && content.firstChild!.isBlock) {
    if (content.childCount === 1) return serializeInline(content.firstChild!.content)
    return serializePodium(schema.nodes.doc.create(null, content)).replace(/\n$/, '')
  }
  return serializeInline(content)
}

/**
 * Paste: podium text as nodes (brackets, positions, notes, marks), open at both ends so the first
 * and last pasted paragraphs join the paragraph at the cursor. The roster decides which codes in
 * notes are delegations.
 */
export function podiumToSlice(text: string, roster: readonly RosterEntry[], unknown: string[] = []): Slice {
  const { doc } = parsePodium(text, { roster })
  const known = rosterCodes(roster)
  const blocks: Node[] = []
  // Headings pasted mid-text read better as paragraphs: a heading only comes from the document itself.
  doc.forEach((b) => {
    const block = b.type === schema.nodes.paragraph ? b : schema.nodes.paragraph.create(b.attrs, b.content)
    blocks.push(block.type.create(block.attrs, withoutUnknownPositions(block.content, known, unknown), block.marks))
  })
  const d = schema.nodes.doc.create(null, blocks)
  return new Slice(d.content, 1, 1)
}

// A position naming no delegation of the roster ("(+XYZ)") stays text, not a grey chip; its code is reported.
function withoutUnknownPositions(content: Fragment, known: Set<string>, unknown: string[]): Fragment {
  const out: Node[] = []
  content.forEach((n) => {
    if (n.type === schema.nodes.delegation_mark && !known.has(String(n.attrs.delegation))) {
      if (!unknown.includes(String(n.attrs.delegation))) unknown.push(String(n.attrs.delegation))
      out.push(schema.text(positionText(n.attrs as never), n.marks))
    } else if (n.type === schema.nodes.bracket) {
      out.push(n.type.create(n.attrs, withoutUnknownPositions(n.content, known, unknown), n.marks))
    } else out.push(n)
  })
  return Fragment.from(out)
}

/**
 * Paste handler: plain text, and HTML that did not come from a Podium editor (Word, e-mail), are
 * read as podium text so their brackets and marks become real nodes. Podium's own HTML goes the
 * usual ProseMirror way (its nodes survive exactly).
 */
export function handlePodiumPaste(roster: readonly RosterEntry[], notify?: (message: string) => void) {
  return (view: EditorView, event: ClipboardEvent): boolean => {
    const data = event.clipboardData
    if (!data) return false
    const html = data.getData('text/html')
    if (html && html.includes('data-pm-slice')) return false
    const text = data.getData('text/plain')
    if (!text) return false
    const unknown: string[] = []
    const slice = podiumToSlice(text, roster, unknown)
    view.dispatch(view.state.tr.replaceSelection(slice).scrollIntoView().setMeta('uiEvent', 'paste'))
    if (unknown.length) notify?.(`Not on the roster, kept as text: ${unknown.join(', ')} (the secretariat can add delegations to the meeting)`)
    return true
  }
}
