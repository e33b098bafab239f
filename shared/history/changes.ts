import type { Node } from 'prosemirror-model'
import { analyse, type BracketInfo, type ParagraphInfo } from '../analysis/index.ts'
import { footnoteText, noteText } from '../schema.ts'
import type { ParagraphChange, RedlineBlock, RedlineInline } from './types.ts'

// The list of changes by paragraph, as a chair reads it out the next morning: paragraphs added and
// removed, text changed, brackets added and removed, positions taken and dropped, notes. Paragraphs
// are matched by their stable block id; who made each change comes from the redline.

function nameOf(p: ParagraphInfo, block: Node): string {
  if (p.ref) return p.ref
  const t = block.textContent.trim().replace(/\s+/g, ' ')
  return t.length > 40 ? `"${t.slice(0, 37)}..."` : `"${t}"`
}

/** Identities that touched anything in a redline block, and the `by` of added/removed atoms. */
function collectBy(content: RedlineInline[], into: Set<string>, atoms: { node: RedlineInline; by: string | null }[]) {
  for (const c of content) {
    if (c.by) into.add(c.by)
    if (c.type === 'text' && c.proposal?.since && c.proposal.by) into.add(c.proposal.by)
    if (c.type !== 'text' && c.attrsChanged?.by) into.add(c.attrsChanged.by)
    if (c.type !== 'text') atoms.push({ node: c, by: c.by })
    if (c.type === 'bracket') collectBy(c.content, into, atoms)
  }
}

/** Words struck through (proposed for deletion) between the two states and still there, by proposer. */
function newProposals(content: RedlineInline[], into = new Map<string, string[]>()): Map<string, string[]> {
  for (const c of content) {
    if (c.type === 'text' && c.change !== 'removed' && c.proposal?.since && c.text.trim()) {
      const who = c.proposal.by ?? ''
      const list = into.get(who) ?? into.set(who, []).get(who)!
      list.push(c.text)
    }
    if (c.type === 'bracket') newProposals(c.content, into)
  }
  return into
}

/** Pairs brackets of two versions of a paragraph: same text first, then the rest in order (edited brackets). */
function pairBrackets(from: BracketInfo[], to: BracketInfo[]) {
  const key = new Map<BracketInfo, string>()
  const unTo = [...to]
  const unFrom: BracketInfo[] = []
  let n = 0
  for (const b of from) {
    const i = unTo.findIndex((t) => t.text === b.text)
    if (i >= 0) { const k = `b${n++}`; key.set(b, k); key.set(unTo[i], k); unTo.splice(i, 1) } else unFrom.push(b)
  }
  const edited = Math.min(unFrom.length, unTo.length)
  for (let i = 0; i < edited; i++) { const k = `b${n++}`; key.set(unFrom[i], k); key.set(unTo[i], k) }
  for (const b of [...unFrom.slice(edited), ...unTo.slice(edited)]) key.set(b, `b${n++}`)
  return { key, removed: unFrom.slice(edited), added: unTo.slice(edited) }
}

const short = (s: string) => (s.length > 50 ? s.slice(0, 47) + '...' : s)

interface PositionRef { delegation: string; stance: string; qualifier: string | null; where: string; label: string }

function positionsOf(p: ParagraphInfo, key: Map<BracketInfo, string>, name: string): PositionRef[] {
  const out: PositionRef[] = p.positions.map((x) => ({ ...x, where: 'loose', label: name }))
  for (const b of p.brackets) {
    for (const s of b.supporters) out.push({ ...s, stance: '+', where: key.get(b)!, label: `the bracket in ${name}` })
    for (const o of b.opponents) out.push({ ...o, stance: '-', where: key.get(b)!, label: `the bracket in ${name}` })
  }
  return out
}

const posKey = (x: PositionRef) => `${x.delegation}|${x.stance}|${x.qualifier ?? ''}|${x.where}`

function notesOf(block: Node): string[] {
  const out: string[] = []
  block.descendants((n) => { if (n.type.name === 'note') out.push(noteText(n.attrs as never)) })
  return out
}

function footnotesOf(block: Node): string[] {
  const out: string[] = []
  block.descendants((n) => { if (n.type.name === 'footnote') out.push(footnoteText(n.attrs as never)) })
  return out
}

/**
 * The words of a block and their marks, without brackets, positions and notes, white space folded: two
 * blocks with the same words read the same, whatever was bracketed or marked around them.
 */
function wordsOf(block: Node, withDeletions = true): string {
  let out = ''
  block.descendants((n) => {
    const marks = withDeletions ? n.marks : n.marks.filter((m) => m.type.name !== 'deletion')
    if (n.isText) out += marks.length ? `\u0001${marks.map((m) => m.type.name).join(',')}\u0002${n.text}\u0003` : n.text
    return true
  })
  return block.type.name + ':' + out.replace(/\s+/g, ' ').trim()
}

/** Removes from `b` one occurrence of each element of `a`; returns what is left of `a` and of `b`. */
function multisetDiff<T>(a: T[], b: T[], k: (x: T) => string): { onlyA: T[]; onlyB: T[] } {
  const rest = [...b]
  const onlyA: T[] = []
  for (const x of a) {
    const i = rest.findIndex((y) => k(y) === k(x))
    if (i >= 0) rest.splice(i, 1)
    else onlyA.push(x)
  }
  return { onlyA, onlyB: rest }
}

/** Lists the changes between two versions of a podium document, attributed with the redline's records. */
export function listChanges(fromDoc: Node, toDoc: Node, blocks: RedlineBlock[]): ParagraphChange[] {
  const fromA = analyse(fromDoc).paragraphs
  const toA = analyse(toDoc).paragraphs
  const fromById = new Map<string, { info: ParagraphInfo; node: Node }>()
  fromDoc.forEach((node, _o, i) => { if (fromA[i].id) fromById.set(fromA[i].id!, { info: fromA[i], node }) })
  const redById = new Map(blocks.filter((b) => b.id).map((b) => [b.id!, b]))
  const changes: ParagraphChange[] = []
  const seen = new Set<string>()

  toDoc.forEach((node, _o, i) => {
    const info = toA[i]
    const name = nameOf(info, node)
    const red = info.id ? redById.get(info.id) : undefined
    const touched = new Set<string>()
    const atoms: { node: RedlineInline; by: string | null }[] = []
    if (red) collectBy(red.content, touched, atoms)
    if (red?.attrsChanged?.by) touched.add(red.attrsChanged.by)
    const by = [...touched].sort()
    const before = info.id ? fromById.get(info.id) : undefined
    if (info.id) seen.add(info.id)
    if (!before) {
      changes.push({ paragraph: name, paragraphId: info.id, kind: 'paragraph-added', summary: `${name} added`, by: red?.by ? [red.by] : by })
      return
    }
    if (wordsOf(before.node, false) !== wordsOf(node, false)) {
      changes.push({ paragraph: name, paragraphId: info.id, kind: 'text-changed', summary: `text changed in ${name}`, by })
    }
    // Proposed deletions (struck words) are proposals, named with who proposed them, not text changes.
    const proposals = red ? newProposals(red.content) : new Map<string, string[]>()
    for (const [who, texts] of proposals) {
      changes.push({ paragraph: name, paragraphId: info.id, kind: 'deletion-proposed', summary: `${who || 'someone'} proposed deleting ${texts.map((t) => `"${short(t.trim())}"`).join(', ')} in ${name}`, by: who ? [who] : by })
    }
    if (proposals.size === 0 && wordsOf(before.node) !== wordsOf(node) && wordsOf(before.node, false) === wordsOf(node, false)) {
      changes.push({ paragraph: name, paragraphId: info.id, kind: 'deletion-withdrawn', summary: `proposed deletion withdrawn in ${name}`, by })
    }
    const { key, removed, added } = pairBrackets(before.info.brackets, info.brackets)
    // The k-th bracket added (removed) in the paragraph is the k-th added (removed) bracket of the redline.
    const bracketsBy = (change: string) => atoms.filter((a) => a.node.type === 'bracket' && a.node.change === change).map((a) => (a.by ? [a.by] : by))
    const addedBy = bracketsBy('added')
    const removedBy = bracketsBy('removed')
    added.forEach((b, k) => changes.push({ paragraph: name, paragraphId: info.id, kind: 'bracket-added', summary: `bracket added in ${name}: [${short(b.text)}]`, by: addedBy[k] ?? by }))
    removed.forEach((b, k) => changes.push({ paragraph: name, paragraphId: info.id, kind: 'bracket-removed', summary: `bracket in ${name} removed: [${short(b.text)}]`, by: removedBy[k] ?? by }))
    const atomBy = (type: string, change: string, match: (attrs: Record<string, unknown>) => boolean) => {
      const hit = atoms.find((a) => a.node.type === type && a.node.change === change && match((a.node as { attrs: Record<string, unknown> }).attrs))
      if (hit?.by) return [hit.by]
      // A node whose attributes changed (a stance flipped): the new attributes were taken, the old dropped.
      const changed = atoms.find((a) => {
        const n = a.node as { type: string; attrs: Record<string, unknown>; attrsChanged?: { from: Record<string, unknown>; by: string | null } }
        return n.type === type && n.attrsChanged?.by && match(change === 'added' ? n.attrs : n.attrsChanged.from)
      })
      const changedBy = (changed?.node as { attrsChanged?: { by: string | null } } | undefined)?.attrsChanged?.by
      return changedBy ? [changedBy] : by
    }
    const pos = multisetDiff(positionsOf(info, key, name), positionsOf(before.info, key, name), posKey)
    for (const x of pos.onlyA) {
      const verb = x.stance === '+' ? 'supported' : 'opposed'
      changes.push({
        paragraph: name, paragraphId: info.id, kind: 'position-taken',
        summary: `${x.delegation} ${verb}${x.qualifier ? ` (${x.qualifier})` : ''} ${x.label}`,
        by: atomBy('delegation_mark', 'added', (a) => a.delegation === x.delegation && a.stance === x.stance)
      })
    }
    for (const x of pos.onlyB) {
      changes.push({
        paragraph: name, paragraphId: info.id, kind: 'position-dropped',
        summary: `${x.delegation} withdrew its ${x.stance === '+' ? 'support for' : 'opposition to'} ${x.label}`,
        by: atomBy('delegation_mark', 'removed', (a) => a.delegation === x.delegation && a.stance === x.stance)
      })
    }
    const notes = multisetDiff(notesOf(node), notesOf(before.node), (s) => s)
    for (const n of notes.onlyA) changes.push({ paragraph: name, paragraphId: info.id, kind: 'note-added', summary: `note added in ${name}: ${n}`, by: atomBy('note', 'added', () => true) })
    for (const n of notes.onlyB) changes.push({ paragraph: name, paragraphId: info.id, kind: 'note-removed', summary: `note removed in ${name}: ${n}`, by: atomBy('note', 'removed', () => true) })
    // A footnote or endnote added, removed or changed (a change is one removed and one added).
    const footnotes = multisetDiff(footnotesOf(node), footnotesOf(before.node), (s) => s)
    for (const n of footnotes.onlyA) changes.push({ paragraph: name, paragraphId: info.id, kind: 'footnote-added', summary: `footnote added in ${name}: ${short(n)}`, by: atomBy('footnote', 'added', () => true) })
    for (const n of footnotes.onlyB) changes.push({ paragraph: name, paragraphId: info.id, kind: 'footnote-removed', summary: `footnote removed in ${name}: ${short(n)}`, by: atomBy('footnote', 'removed', () => true) })
  })

  fromDoc.forEach((node, _o, i) => {
    const info = fromA[i]
    if (info.id && seen.has(info.id)) return
    const name = nameOf(info, node)
    const red = info.id ? redById.get(info.id) : undefined
    changes.push({ paragraph: name, paragraphId: info.id, kind: 'paragraph-removed', summary: `${name} deleted`, by: red?.by ? [red.by] : [] })
  })
  return changes
}
