// Judging a client's transaction on the room's document, at the end of the transaction and before
// anything is stored or sent: which blocks it touched, whether each is still a valid podium block,
// and whether its sender may make the change. The room undoes a refused transaction (see Room).

import * as Y from 'yjs'
import type { RosterEntry } from '../../shared/roster.ts'
import { checkAuthority, validateBlock, type ChangedBlock, type Sender, type Violation } from '../../shared/trust/index.ts'
import { isViolation, readBlock, type AuthorOf, type Visible } from '../../shared/trust/block-view.ts'

function idOf(item: Y.Item): string | null {
  if (!(item.content instanceof Y.ContentType) || !(item.content.type instanceof Y.XmlElement)) return null
  const id = item.content.type.getAttribute('id') as unknown
  return typeof id === 'string' ? id : null
}

/**
 * Judges transaction `tr` (just applied to `fragment`'s document) as a change by `sender`. `owners`
 * maps Yjs client IDs to the identity that first wrote with them. Null when the change may stand.
 */
export function judgeTransaction(tr: Y.Transaction, fragment: Y.XmlFragment, sender: Sender, owners: ReadonlyMap<number, string>, roster: readonly RosterEntry[]): Violation | null {
  const store = tr.doc.store
  if (store.pendingStructs !== null || store.pendingDs !== null) {
    return { rule: 'incomplete-update', reason: 'The change refers to text the server does not have; reload to get the current text' }
  }
  const before = tr.beforeState
  const beforeVisible: Visible = (item) => item.id.clock < (before.get(item.id.client) ?? 0) && (!item.deleted || Y.isDeleted(tr.deleteSet, item.id))
  const afterVisible: Visible = (item) => !item.deleted
  const authorOf: AuthorOf = (client) => owners.get(client) ?? ((before.get(client) ?? 0) < (tr.afterState.get(client) ?? 0) ? sender.identity : null)

  // The top-level blocks whose content or attributes changed.
  const touched = new Set<Y.Item>()
  let rootChanged = false
  const root = fragment as unknown as Y.AbstractType<Y.YEvent<any>>
  for (const type of tr.changed.keys()) {
    if (type === root) {
      rootChanged = true
      continue
    }
    let t = type
    while (t._item && t._item.parent !== root) t = t._item.parent as Y.AbstractType<Y.YEvent<any>>
    if (!t._item) return { rule: 'unknown-content', reason: 'The change touches something outside the text' }
    touched.add(t._item)
  }
  if (!rootChanged && touched.size === 0) return null

  const blocks: ChangedBlock[] = []
  const untouched: Y.Item[] = []
  let newIds = false
  for (let item = fragment._start; item; item = item.right as Y.Item | null) {
    const was = beforeVisible(item)
    const is = afterVisible(item)
    if (!was && !is) continue
    if (!touched.has(item) && !(rootChanged && was !== is)) {
      if (is) untouched.push(item)
      continue
    }
    let beforeBlock = null
    let afterBlock = null
    if (was) {
      const b = readBlock(item, beforeVisible, authorOf)
      // A block that was already unreadable is judged by what the change leaves of it.
      if (!isViolation(b)) beforeBlock = b
    }
    if (is) {
      const a = readBlock(item, afterVisible, authorOf)
      if (isViolation(a)) return a
      const invalid = validateBlock(a.json, roster)
      if (invalid) return invalid
      afterBlock = a
      if (a.json.attrs.id !== undefined && a.json.attrs.id !== beforeBlock?.json.attrs.id) newIds = true
    }
    blocks.push({ before: beforeBlock, after: afterBlock })
  }
  // Other blocks' ids matter only when the change gives a block an id it did not have.
  const otherIds = new Set<string>()
  if (newIds) {
    for (const item of untouched) {
      const id = idOf(item)
      if (id !== null) otherIds.add(id)
    }
  }
  return checkAuthority({ blocks, otherIds }, sender, roster)
}
