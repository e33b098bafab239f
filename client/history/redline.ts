import { schema, noteText, positionText } from '../../shared/schema.ts'
import type { RedlineBlock, RedlineInline, RedlineNode, RedlineText, ChangeKind } from '../../shared/history/types.ts'
import { footnoteView, positionView, noteView, type RosterLookup } from '../editor/node-views.ts'
import { h } from '../ui/dom.ts'

// Who made a change, for the superscript and tooltip: a delegation code in its roster colour,
// the secretariat/chair and others in the accent grey-blue.
function colourOf(by: string, lookup: RosterLookup): string {
  return /^[A-Z][A-Z0-9_-]{1,11}$/.test(by) ? lookup(by).colour : '#1f4e79'
}

function footnoteChip(attrs: Record<string, unknown>): HTMLElement {
  try {
    return footnoteView(schema.nodes.footnote.create(attrs)).dom as HTMLElement
  } catch {
    return h('sup', { title: String(attrs.text ?? '') }, '*')
  }
}

function chip(kind: 'position' | 'note', attrs: Record<string, unknown>, lookup: RosterLookup): HTMLElement {
  try {
    const node = kind === 'position' ? schema.nodes.delegation_mark.create(attrs) : schema.nodes.note.create(attrs)
    return (kind === 'position' ? positionView(node, lookup) : noteView(node, lookup)).dom as HTMLElement
  } catch {
    // Attributes the schema refuses (an old snapshot): show the podium text.
    return h('span', {}, kind === 'position' ? positionText(attrs as never) : noteText(attrs as never))
  }
}

function withMarks(el: Node, marks: string[]): Node {
  let out = el
  if (marks.includes('deletion')) out = h('s', { class: 'pm-deletion' }, out)
  if (marks.includes('strong')) out = h('strong', {}, out)
  if (marks.includes('emphasis')) out = h('em', {}, out)
  return out
}

/** Wraps changed content in `<ins>`/`<del>` with who made it: tooltip, hidden words for screen readers, a coloured superscript. */
function changed(content: Node[], change: ChangeKind, by: string | null, lookup: RosterLookup): Node[] {
  if (change === 'same') return content
  const verb = change === 'added' ? 'inserted' : 'deleted'
  const who = by ?? 'unknown'
  const colour = by ? colourOf(by, lookup) : '#666666'
  const el = h(change === 'added' ? 'ins' : 'del', { class: 'rl', 'data-by': who, title: `${verb === 'inserted' ? 'Inserted' : 'Deleted'} by ${who}`, style: `--c: ${colour}` },
    h('span', { class: 'sr-only' }, `${verb} by ${who}: `), ...content, h('span', { class: 'sr-only' }, ` (end ${verb})`))
  return [el, h('sup', { class: 'rl-by', 'aria-hidden': 'true', style: `--c: ${colour}` }, who)]
}

// One rendered inline piece with the change it carries (or `same`).
interface Piece { node: Node; change: ChangeKind; by: string | null }

// Neighbouring pieces with the same change by the same person share one <ins>/<del> and one superscript.
function grouped(pieces: Piece[], lookup: RosterLookup): Node[] {
  const out: Node[] = []
  for (let i = 0; i < pieces.length;) {
    const p = pieces[i]
    let j = i + 1
    while (j < pieces.length && pieces[j].change === p.change && pieces[j].by === p.by) j++
    const nodes = pieces.slice(i, j).map((x) => x.node)
    out.push(...(p.change === 'same' ? nodes : changed(nodes, p.change, p.by, lookup)))
    i = j
  }
  return out
}

// Struck words are a proposal, not a deletion: drawn struck in the proposer's colour (not the redline's
// red), with who proposed them in the tooltip, hidden words, and (when proposed between the two states)
// a superscript.
function proposed(text: string, proposal: NonNullable<RedlineText['proposal']>, lookup: RosterLookup): Node {
  const who = proposal.by ?? 'unknown'
  const colour = proposal.by ? colourOf(proposal.by, lookup) : '#666666'
  const s = h('s', { class: 'pm-deletion rl-proposal', 'data-proposed-by': who, ...(proposal.since ? { 'data-since': '' } : {}), title: `Proposed for deletion by ${who}`, style: `--c: ${colour}` },
    h('span', { class: 'sr-only' }, `proposed for deletion by ${who}: `), text, h('span', { class: 'sr-only' }, ' (end proposed)'))
  if (!proposal.since) return s
  const frag = document.createDocumentFragment()
  frag.append(s, h('sup', { class: 'rl-by rl-proposal-by', 'aria-hidden': 'true', style: `--c: ${colour}` }, `${who} del?`))
  return frag
}

// A bracket added or removed around words that stayed: only its `[` and `]` are the change (in
// <ins>/<del> with who made it); its words are drawn as they fared themselves, so bracketing existing
// words never reads as if the bracketing delegation had proposed that wording.
function changedBracket(c: RedlineNode, lookup: RosterLookup, inherited: ChangeKind, depth: number): Node {
  const change = c.change as Exclude<ChangeKind, 'same'>
  const delim = (text: string, end: boolean): Node[] => {
    const [mark, by] = changed([document.createTextNode(text)], change, c.by, lookup)
    ;(mark as HTMLElement).classList.add('rl-delim')
    return end ? [mark, by] : [mark]
  }
  return h('span', { class: 'pm-bracket rl-bracket', 'data-bracket': '', 'data-depth': String(depth), 'data-change': change, 'data-by': c.by ?? 'unknown' },
    ...delim('[', false), ...inline(c.content, lookup, inherited, depth + 1), ...delim(']', true))
}

function inline(content: RedlineInline[], lookup: RosterLookup, inherited: ChangeKind, depth: number): Node[] {
  const pieces = content.map((c): Piece => {
    let el: Node
    // A bracket changed inside an unchanged text: its delimiters carry the change, not its words.
    if (c.type === 'bracket' && c.change !== 'same' && c.change !== inherited) {
      return { node: withMarks(changedBracket(c, lookup, inherited, depth), c.marks), change: 'same', by: null }
    }
    if (c.type === 'text' && c.proposal && c.marks.includes('deletion') && c.change !== 'removed') {
      return { node: withMarks(proposed(c.text, c.proposal, lookup), c.marks.filter((m) => m !== 'deletion')), ...(c.change === inherited ? { change: 'same' as const, by: null } : { change: c.change, by: c.by }) }
    }
    if (c.type === 'text') el = document.createTextNode(c.text)
    else if (c.type === 'bracket') {
      el = h('span', { class: 'pm-bracket', 'data-bracket': '', 'data-depth': String(depth) }, ...inline(c.content, lookup, c.change === 'same' ? inherited : c.change, depth + 1))
    } else if (c.type === 'footnote') {
      el = footnoteChip(c.attrs)
    } else el = chip(c.type === 'note' ? 'note' : 'position', c.attrs, lookup)
    el = withMarks(el, c.marks)
    // Inside a wrapped change of the same kind the mark is already there: no nested <ins><ins>.
    return c.change === inherited ? { node: el, change: 'same', by: null } : { node: el, change: c.change, by: c.by }
  })
  return grouped(pieces, lookup)
}

/**
 * Renders a redline (`compare` blocks) as podium text in the editor's look: inserted text, brackets,
 * positions and notes in `<ins>`, deleted ones in `<del>`, each with who made it. Whole paragraphs
 * added or removed are marked on the block too. Each block carries its id in `data-id` (for the change list).
 */
export function renderRedline(blocks: readonly RedlineBlock[], lookup: RosterLookup): HTMLElement {
  const out = h('div', { class: 'podium-text redline', role: 'document', 'aria-label': 'Redline' })
  for (const b of blocks) {
    const tag = b.type === 'heading' ? 'h2' : 'p'
    const body = inline(b.content, lookup, b.change, 1)
    const el = h(tag, { 'data-id': b.id ?? undefined, 'data-sep': b.sep === 'line' ? 'line' : undefined, 'data-change': b.change, class: `rl-block rl-${b.change}`, tabindex: '-1' },
      ...(b.change === 'same' ? body : changed(body, b.change, b.by, lookup)))
    out.append(el)
  }
  return out
}
