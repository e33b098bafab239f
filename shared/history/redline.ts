import * as Y from 'yjs'
import { FRAGMENT_NAME } from '../ydoc.ts'
import type { Attributor, ChangeKind, RedlineBlock, RedlineInline, RedlineNode, RedlineText } from './types.ts'

// A redline between two snapshots of one Y.Doc (kept with gc off): every element and run of text that
// existed in either state, marked same/added/removed, with who made the change. This is the same walk
// y-prosemirror makes to render a snapshot diff, done without an editor so the server can answer it.

type Item = NonNullable<Y.AbstractType<unknown>['_item']>

function visible(item: { id: Y.ID; deleted?: boolean }, snap: Y.Snapshot): boolean {
  return (snap.sv.get(item.id.client) ?? 0) > item.id.clock && !Y.isDeleted(snap.ds, item.id)
}

function changeOf(item: Item, from: Y.Snapshot, to: Y.Snapshot): ChangeKind | null {
  const inFrom = visible(item, from)
  const inTo = visible(item, to)
  if (inFrom && inTo) return 'same'
  if (inTo) return 'added'
  if (inFrom) return 'removed'
  return null // created and deleted between the two states: not part of either text
}

function byOf(change: ChangeKind, id: Y.ID, who: Attributor): string | null {
  if (change === 'added') return who.inserted(id.client, id.clock)
  if (change === 'removed') return who.deleted(id.client, id.clock)
  return null
}

const MARKS = new Set(['deletion', 'strong', 'emphasis'])

// The attribute items of an element as they stood in a snapshot: each key's newest item visible then.
function attributeItems(el: Y.XmlElement, snap: Y.Snapshot): Map<string, Item> {
  const out = new Map<string, Item>()
  for (const [key, newest] of (el as unknown as { _map: Map<string, Item> })._map) {
    let item: Item | null = newest
    while (item && !visible(item, snap)) item = item.left as Item | null
    if (item) out.set(key, item)
  }
  return out
}

/**
 * For an element in both states: whether its attributes changed between them, with the old values
 * and who set the new ones (the inserter of a new attribute item, or the deleter of a removed one).
 */
function attrsChange(el: Y.XmlElement, from: Y.Snapshot, to: Y.Snapshot, who: Attributor): { from: Record<string, unknown>; by: string | null } | undefined {
  const before = attributeItems(el, from)
  const after = attributeItems(el, to)
  let by: string | null | undefined
  for (const [key, item] of after) {
    if (before.get(key) !== item) { by ??= who.inserted(item.id.client, item.id.clock); break }
  }
  if (by === undefined) {
    for (const [key, item] of before) if (!after.has(key)) { by = who.deleted(item.id.client, item.id.clock); break }
  }
  if (by === undefined) return undefined
  return { from: el.getAttributes(from) as Record<string, unknown>, by }
}

const MARK_ORDER = ['deletion', 'strong', 'emphasis']

/**
 * The runs of a text between two states. Each character's marks are read from the state it is in:
 * words removed between the two states keep the marks they had then (Yjs's own toDelta reads them from
 * the later state's format items, which depend on where re-inserted words landed, so a phrase moved
 * into a new bracket could read as changed). A run struck through (the `deletion` mark, a proposed
 * deletion) names who proposed it: whoever set that mark, and whether it was set between the two states.
 */
function textRuns(text: Y.XmlText, from: Y.Snapshot, to: Y.Snapshot, who: Attributor): RedlineInline[] {
  // toDelta splits the items at both snapshots' edges (in a transaction), so each item below is
  // wholly in or out of each state.
  text.toDelta(to, from)
  const out: RedlineInline[] = []
  const toFormats = new Map<string, Item>()
  const fromFormats = new Map<string, Item>()
  for (let n = text._start as Item | null; n; n = n.right as Item | null) {
    const content = n.content as unknown
    if (content instanceof Y.ContentFormat) {
      if (!MARKS.has(content.key)) continue
      if (visible(n, to)) content.value == null ? toFormats.delete(content.key) : toFormats.set(content.key, n)
      if (visible(n, from)) content.value == null ? fromFormats.delete(content.key) : fromFormats.set(content.key, n)
      continue
    }
    if (!(content instanceof Y.ContentString)) continue
    const inTo = visible(n, to)
    const inFrom = visible(n, from)
    if (!inTo && !inFrom) continue
    const change: ChangeKind = inTo && inFrom ? 'same' : inTo ? 'added' : 'removed'
    const formats = inTo ? toFormats : fromFormats
    const marks = MARK_ORDER.filter((k) => formats.has(k))
    const by = change === 'same' ? null : byOf(change, n.id, who)
    const struck = formats.get('deletion')
    const proposal = struck ? { by: who.inserted(struck.id.client, struck.id.clock), since: !visible(struck, from) } : undefined
    const last = out[out.length - 1]
    if (last && last.type === 'text' && last.change === change && last.by === by && last.marks.join() === marks.join() && sameProposal(last.proposal, proposal)) last.text += content.str
    else out.push({ type: 'text', text: content.str, marks, change, by, ...(proposal ? { proposal } : {}) })
  }
  return out
}

/** Whether two runs' proposed deletions are the same (same proposer, same age). */
export function sameProposal(a: RedlineText['proposal'], b: RedlineText['proposal']): boolean {
  return a?.by === b?.by && a?.since === b?.since
}

function inline(parent: Y.XmlElement, from: Y.Snapshot, to: Y.Snapshot, who: Attributor): RedlineInline[] {
  const out: RedlineInline[] = []
  for (const child of Y.typeListToArraySnapshot(parent, new Y.Snapshot(from.ds, to.sv))) {
    if (child instanceof Y.XmlText) {
      out.push(...textRuns(child, from, to, who))
      continue
    }
    if (!(child instanceof Y.XmlElement) || !child._item) continue
    const change = changeOf(child._item, from, to)
    if (!change) continue
    const attrs = { ...child.getAttributes(change === 'removed' ? from : to) } as Record<string, unknown>
    const marks = Object.keys(attrs).filter((k) => MARKS.has(k))
    for (const k of marks) delete attrs[k]
    const name = child.nodeName as RedlineNode['type']
    const attrsChanged = change === 'same' ? attrsChange(child, from, to, who) : undefined
    out.push({ type: name, attrs, marks, change, by: byOf(change, child._item.id, who), ...(attrsChanged ? { attrsChanged } : {}), content: name === 'bracket' ? inline(child, from, to, who) : [] })
  }
  return out
}

/** The redline of the podium version in `ydoc` between snapshots `from` and `to`. `ydoc` must have gc off. */
export function redline(ydoc: Y.Doc, from: Y.Snapshot, to: Y.Snapshot, who: Attributor): RedlineBlock[] {
  if (ydoc.gc) throw new RangeError('redline: the Y.Doc must keep its history (gc off)')
  const fragment = ydoc.getXmlFragment(FRAGMENT_NAME)
  const blocks: RedlineBlock[] = []
  for (const child of Y.typeListToArraySnapshot(fragment, new Y.Snapshot(from.ds, to.sv))) {
    if (!(child instanceof Y.XmlElement) || !child._item) continue
    const change = changeOf(child._item, from, to)
    if (!change) continue
    const attrs = child.getAttributes(change === 'removed' ? from : to) as Record<string, unknown>
    const attrsChanged = change === 'same' ? attrsChange(child, from, to, who) : undefined
    blocks.push({
      ...(attrsChanged ? { attrsChanged } : {}),
      type: child.nodeName === 'heading' ? 'heading' : 'paragraph',
      id: (attrs.id as string) ?? null,
      sep: (attrs.sep as string) ?? 'blank',
      change,
      by: byOf(change, child._item.id, who),
      content: inline(child, from, to, who)
    })
  }
  return blocks
}
