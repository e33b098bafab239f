import * as Y from 'yjs'
import { FRAGMENT_NAME } from '../ydoc.ts'
import type { Attributor, ChangeKind, RedlineBlock, RedlineInline } from './types.ts'

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

function textRuns(text: Y.XmlText, from: Y.Snapshot, to: Y.Snapshot, who: Attributor): RedlineInline[] {
  const out: RedlineInline[] = []
  const ids: Y.ID[] = []
  // toDelta marks each run with the item that starts it; we resolve the identity ourselves.
  const delta = text.toDelta(to, from, (type: 'added' | 'removed', id: Y.ID) => { ids.push(id); return { type, idx: ids.length - 1 } }) as {
    insert: unknown
    attributes?: Record<string, unknown> & { ychange?: { type: ChangeKind; idx: number } }
  }[]
  for (const op of delta) {
    if (typeof op.insert !== 'string') continue
    const ychange = op.attributes?.ychange
    const change: ChangeKind = ychange ? ychange.type : 'same'
    // A run deleted before `from` and re-shown by toDelta cannot occur: toDelta only shows items visible in one state.
    const marks = Object.keys(op.attributes ?? {}).filter((k) => MARKS.has(k))
    const by = ychange ? byOf(change, ids[ychange.idx], who) : null
    const last = out[out.length - 1]
    if (last && last.type === 'text' && last.change === change && last.by === by && last.marks.join() === marks.join()) last.text += op.insert
    else out.push({ type: 'text', text: op.insert, marks, change, by })
  }
  return out
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
    const name = child.nodeName as 'bracket' | 'delegation_mark' | 'note'
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
