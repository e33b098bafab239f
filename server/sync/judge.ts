// Judging a client's transaction on the room's document, at the end of the transaction and before
// anything is stored or sent: which blocks it touched, whether each is still a valid podium block,
// and whether its sender may make the change. The room undoes a refused transaction (see Room).

import * as Y from 'yjs'
import type { RosterEntry } from '../../shared/roster.ts'
import { speaksForAnyDelegation } from '../../shared/protocol.ts'
import { AGREED_LOCKED, checkAuthority, MAX_BLOCK_TEXT_LENGTH, validateBlock, type BlockState, type ChangedBlock, type Provenance, type Sender, type Violation } from '../../shared/trust/index.ts'
import { isViolation, readBlock, type Visible } from '../../shared/trust/block-view.ts'
import { commonElements } from '../../shared/history/diff-chars.ts'
import type { Authors } from './authors.ts'

/** The verdict on a transaction, and for an accepted one whose words it moved (see Provenance). */
export interface Judgement {
  violation: Violation | null
  provenance: Provenance[]
}

function idOf(item: Y.Item): string | null {
  if (!(item.content instanceof Y.ContentType) || !(item.content.type instanceof Y.XmlElement)) return null
  const id = item.content.type.getAttribute('id') as unknown
  return typeof id === 'string' ? id : null
}

const refused = (violation: Violation): Judgement => ({ violation, provenance: [] })

// The text nodes a transaction typed into, when every struct it added is text (ContentString) in a
// text node that was already there (typing); null for any other change.
function typedTexts(tr: Y.Transaction): Set<Y.XmlText> | null {
  const texts = new Set<Y.XmlText>()
  let typing = true
  tr.afterState.forEach((clock, client) => {
    const from = tr.beforeState.get(client) ?? 0
    if (!typing || clock <= from) return
    const structs = tr.doc.store.clients.get(client)!
    for (let i = Y.findIndexSS(structs, from); i < structs.length; i++) {
      const s = structs[i]
      // Text in a list, not an attribute's value written as a string (a stance, an id), in a text
      // node that is a paragraph's or a bracket's and not new (a new one is a new element's part).
      const parent = s instanceof Y.Item ? s.parent : null
      if (!(s instanceof Y.Item) || !(s.content instanceof Y.ContentString) || s.parentSub !== null ||
        !(parent instanceof Y.XmlText) || !parent._item || parent._item.id.clock >= (tr.beforeState.get(parent._item.id.client) ?? 0) ||
        !(parent._item.parent instanceof Y.XmlElement) || !TEXT_HOLDERS.has(parent._item.parent.nodeName)) {
        typing = false
        return
      }
      texts.add(parent)
    }
  })
  return typing ? texts : null
}

const TEXT_HOLDERS = new Set(['paragraph', 'heading', 'bracket'])

/**
 * Judges transaction `tr` (just applied to `fragment`'s document) as a change by `sender`. `authors`
 * says whose words each Yjs item holds. For an accepted change that deleted and re-inserted others'
 * words (a bracket around them), also says whose the re-inserted words are.
 */
export function judgeTransaction(tr: Y.Transaction, fragment: Y.XmlFragment, sender: Sender, authors: Authors, roster: readonly RosterEntry[]): Judgement {
  const store = tr.doc.store
  if (store.pendingStructs !== null || store.pendingDs !== null) {
    return refused({ rule: 'incomplete-update', reason: 'The change refers to text the server does not have; reload to get the current text' })
  }
  const before = tr.beforeState
  const isNew = (client: number, clock: number) => clock >= (before.get(client) ?? 0)
  const beforeVisible: Visible = (item) => !isNew(item.id.client, item.id.clock) && (!item.deleted || Y.isDeleted(tr.deleteSet, item.id))
  const afterVisible: Visible = (item) => !item.deleted
  // Who wrote what matters only to a change that deletes (a delegation deletes only its own words and
  // brackets); typing, the most common change by far, skips the lookups.
  const deletes = tr.deleteSet.clients.size > 0
  const authorOf = deletes ? (client: number, clock: number) => authors.of(client, clock) ?? (isNew(client, clock) ? sender.identity : null) : null
  // Only a transaction that both deletes and inserts can move words.
  let inserts = false
  tr.afterState.forEach((clock, client) => { if (clock > (before.get(client) ?? 0)) inserts = true })
  const mayMove = inserts && deletes

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
    if (!t._item) return refused({ rule: 'unknown-content', reason: 'The change touches something outside the text' })
    touched.add(t._item)
  }
  if (!rootChanged && touched.size === 0) return { violation: null, provenance: [] }

  // Typing — only new characters in existing text nodes, nothing deleted, no element, formatting or
  // attribute — changes no position, note, bracket, id or anyone's words, and leaves every block as
  // valid as it was: only the lock of agreed paragraphs and the text's length are left to check, on
  // the text nodes typed into, without reading whole blocks (typing is most of all updates).
  if (!rootChanged && !deletes) {
    const typed = typedTexts(tr)
    if (typed) {
      for (const text of typed) {
        if (text.length > MAX_BLOCK_TEXT_LENGTH) return refused({ rule: 'invalid-block', reason: `The change holds a paragraph longer than ${MAX_BLOCK_TEXT_LENGTH} characters, which is not part of a podium text` })
        let top: Y.AbstractType<any> = text
        while (top._item && top._item.parent !== root) top = top._item.parent as Y.AbstractType<any>
        if (!top._item || !(top instanceof Y.XmlElement)) return refused({ rule: 'invalid-block', reason: 'The change holds text outside a paragraph, which is not part of a podium text' })
        if (top.getAttribute('adref') === (true as never) && !speaksForAnyDelegation(sender.role)) {
          return refused(AGREED_LOCKED)
        }
      }
      return { violation: null, provenance: [] }
    }
  }

  // The blocks to judge. Without blocks added or removed, the touched ones are all, and any order
  // serves (each is compared with itself); otherwise in document order, found by walking the list.
  let items: Y.Item[]
  if (rootChanged) {
    items = []
    for (let item = fragment._start; item; item = item.right as Y.Item | null) {
      const was = beforeVisible(item)
      const is = afterVisible(item)
      if ((was || is) && (touched.has(item) || was !== is)) items.push(item)
    }
  } else {
    items = [...touched]
  }
  const blocks: ChangedBlock[] = []
  let newIds = false
  for (const item of items) {
    const was = beforeVisible(item)
    const is = afterVisible(item)
    let beforeBlock: BlockState | null = null
    let afterBlock: BlockState | null = null
    if (was) {
      const b = readBlock(item, beforeVisible, authorOf, mayMove)
      // A block that was already unreadable is judged by what the change leaves of it.
      if (!isViolation(b)) beforeBlock = b
    }
    if (is) {
      const a = readBlock(item, afterVisible, authorOf, mayMove)
      if (isViolation(a)) return refused(a)
      const invalid = validateBlock(a.json, roster, beforeBlock?.json ?? null)
      if (invalid) return refused(invalid)
      afterBlock = a
      if (a.json.attrs.id !== undefined && a.json.attrs.id !== beforeBlock?.json.attrs.id) newIds = true
    }
    blocks.push({ before: beforeBlock, after: afterBlock })
  }
  // Other blocks' ids matter only when the change gives a block an id it did not have.
  const otherIds = new Set<string>()
  if (newIds) {
    const judged = new Set(items)
    for (let item = fragment._start; item; item = item.right as Y.Item | null) {
      if (judged.has(item) || item.deleted) continue
      const id = idOf(item)
      if (id !== null) otherIds.add(id)
    }
  }
  const violation = checkAuthority({ blocks, otherIds }, sender, roster, { deletes })
  if (violation) return refused(violation)
  return { violation: null, provenance: mayMove ? movedWords(blocks, tr, sender.identity, isNew) : [] }
}

// Above this many characters (deleted plus inserted) the words are matched greedily instead of by a
// diff, whose memory grows with the product of the edit distance and the lengths.
const DIFF_LIMIT = 20_000
// The longest stretch searched for the next moved character when matching greedily.
const MOVE_WINDOW = 256

/**
 * Whose words the change re-inserted: the characters it deleted, in order, are matched with the
 * characters it inserted, in order, by a character diff (a bracket re-inserts exactly the words it
 * wraps; words typed in the same update are what the diff leaves unmatched), and an inserted
 * character takes the author of the deleted one it matches, when that author is not the sender.
 */
function movedWords(blocks: readonly ChangedBlock[], tr: Y.Transaction, sender: string, isNew: (client: number, clock: number) => boolean): Provenance[] {
  let goneText = ''
  const goneAuthors: (string | null)[] = []
  for (const b of blocks) {
    const ids = b.before?.ids
    if (!b.before || !ids) continue
    const { text, authors } = b.before
    for (let i = 0; i < text.length; i++) {
      if (!Y.isDeleted(tr.deleteSet, { client: ids.clients[i], clock: ids.clocks[i] } as Y.ID)) continue
      goneText += text[i]
      goneAuthors.push(authors[i])
    }
  }
  if (goneText.length === 0) return []
  let newText = ''
  const newIds: [number, number][] = []
  for (const b of blocks) {
    const ids = b.after?.ids
    if (!b.after || !ids) continue
    const { text } = b.after
    for (let i = 0; i < text.length; i++) {
      if (!isNew(ids.clients[i], ids.clocks[i])) continue
      newText += text[i]
      newIds.push([ids.clients[i], ids.clocks[i]])
    }
  }
  // For each inserted character, the index of the deleted character it is, or -1.
  const match = new Int32Array(newText.length).fill(-1)
  if (goneText.length + newText.length <= DIFF_LIMIT) {
    const { inA, inB } = commonElements(goneText, newText)
    let g = 0
    for (let n = 0; n < newText.length; n++) {
      if (!inB[n]) continue
      while (!inA[g]) g++
      match[n] = g++
    }
  } else {
    let g = 0
    for (let n = 0; n < newText.length && g < goneText.length; n++) {
      let k = g
      while (k < goneText.length && k - g < MOVE_WINDOW && goneText[k] !== newText[n]) k++
      if (k < goneText.length && goneText[k] === newText[n]) { match[n] = k; g = k + 1 }
    }
  }
  const out: Provenance[] = []
  for (let n = 0; n < newText.length; n++) {
    const author = match[n] >= 0 ? goneAuthors[match[n]] : null
    if (author === null || author === sender) continue
    const [client, clock] = newIds[n]
    const last = out[out.length - 1]
    if (last && last.client === client && last.clock + last.len === clock && last.identity === author) last.len++
    else out.push({ client, clock, len: 1, identity: author })
  }
  return out
}
