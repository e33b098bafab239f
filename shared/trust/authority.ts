// Who may say what: the rules a change by a delegation must keep. The pen (secretariat, chair) may
// make any change the schema accepts; observers make none (refused before this is asked).

import { speaksForAnyDelegation } from '../protocol.ts'
import { canonicalCode, type RosterEntry } from '../roster.ts'
import { noteCodes } from './validate.ts'
import type { BlockJSON, Change, ChangedBlock, InlineJSON, Sender, Violation } from './types.ts'

interface Position { delegation: string; stance: string; qualifier: string }
interface Note { delegations: string; text: string; form: string }

function walkInline(nodes: InlineJSON[] | undefined, visit: (n: InlineJSON) => void): void {
  if (!nodes) return
  for (const n of nodes) {
    visit(n)
    if (n.type === 'bracket') walkInline(n.content, visit)
  }
}

function positionsOf(json: BlockJSON | undefined, out: Position[]): void {
  walkInline(json?.content, (n) => {
    if (n.type !== 'delegation_mark') return
    const a = n.attrs ?? {}
    out.push({ delegation: String(a.delegation ?? ''), stance: String(a.stance ?? '+'), qualifier: a.qualifier == null ? '' : String(a.qualifier) })
  })
}

function notesOf(json: BlockJSON | undefined, out: Note[]): void {
  walkInline(json?.content, (n) => {
    if (n.type !== 'note') return
    const a = n.attrs ?? {}
    out.push({ delegations: String(a.delegations ?? ''), text: String(a.text ?? ''), form: String(a.form ?? 'colon') })
  })
}

// Removes the entries common to both lists (as multisets); what remains was taken away and added.
function difference<T>(before: T[], after: T[], key: (t: T) => string): { removed: T[]; added: T[] } {
  const counts = new Map<string, number>()
  for (const b of before) counts.set(key(b), (counts.get(key(b)) ?? 0) + 1)
  const added: T[] = []
  for (const a of after) {
    const k = key(a)
    const n = counts.get(k) ?? 0
    if (n > 0) counts.set(k, n - 1)
    else added.push(a)
  }
  const removed: T[] = []
  for (const b of before) {
    const k = key(b)
    const n = counts.get(k) ?? 0
    if (n > 0) {
      removed.push(b)
      counts.set(k, n - 1)
    }
  }
  return { removed, added }
}

/** The rules' way of naming a delegation: its roster name ("India"), else its code. */
export function delegationName(code: string, roster: readonly RosterEntry[]): string {
  return roster.find((e) => e.code === code)?.name ?? code
}

function possessive(name: string): string {
  return name.endsWith('s') ? `${name}'` : `${name}'s`
}

function positionRule(blocks: readonly ChangedBlock[], own: string, roster: readonly RosterEntry[]): Violation | null {
  const before: Position[] = []
  const after: Position[] = []
  for (const b of blocks) {
    positionsOf(b.before?.json, before)
    positionsOf(b.after?.json, after)
  }
  // A code as written in another script (`ИРАН`) is the roster's delegation (IRAN).
  for (const p of [...before, ...after]) p.delegation = canonicalCode(roster, p.delegation)
  const key = (p: Position) => `${p.delegation}\u0000${p.stance}\u0000${p.qualifier}`
  const { removed, added } = difference(before, after, key)
  const foreign = [...removed, ...added].find((p) => p.delegation !== own)
  if (!foreign) return null
  const name = delegationName(foreign.delegation, roster)
  const wasRemoved = removed.some((p) => p.delegation === foreign.delegation)
  const wasAdded = added.some((p) => p.delegation === foreign.delegation)
  const verb = wasRemoved && wasAdded ? 'change' : wasRemoved ? 'withdraw' : 'state'
  return { rule: 'position-owner', reason: `Only ${name} can ${verb} ${possessive(name)} position` }
}

function noteRule(blocks: readonly ChangedBlock[], own: string, roster: readonly RosterEntry[]): Violation | null {
  const before: Note[] = []
  const after: Note[] = []
  for (const b of blocks) {
    notesOf(b.before?.json, before)
    notesOf(b.after?.json, after)
  }
  const key = (n: Note) => `${n.delegations}\u0000${n.text}\u0000${n.form}`
  const { removed, added } = difference(before, after, key)
  const onlyOwn = (n: Note) => { const codes = noteCodes(n.delegations); return codes.length === 1 && canonicalCode(roster, codes[0]) === own }
  // A note's list may gain or lose the sender's own code, its text staying the same.
  const sameButOwn = (a: Note, b: Note) => {
    if (a.text !== b.text || a.form !== b.form) return false
    const x = noteCodes(a.delegations).filter((c) => canonicalCode(roster, c) !== own).join(',')
    const y = noteCodes(b.delegations).filter((c) => canonicalCode(roster, c) !== own).join(',')
    return x === y
  }
  const unmatched = [...removed]
  for (const a of added) {
    if (onlyOwn(a)) continue
    const i = unmatched.findIndex((r) => sameButOwn(r, a))
    if (i < 0) return noteViolation(a, own, roster)
    unmatched.splice(i, 1)
  }
  const foreign = unmatched.find((r) => !onlyOwn(r) && !added.some((a) => onlyOwn(a) && sameButOwn(r, a)))
  return foreign ? noteViolation(foreign, own, roster) : null
}

function noteViolation(note: Note, own: string, roster: readonly RosterEntry[]): Violation {
  const others = noteCodes(note.delegations).filter((c) => c !== own).map((c) => delegationName(c, roster))
  const who = others.length ? others.join(', ') : 'the delegations it lists'
  return { rule: 'note-owner', reason: `Only ${who} can change a note of ${who}; you may add or remove only your own delegation's code` }
}

// The characters of `before` that the sender did not insert (spaces aside) must all still be there, in order: a
// delegation proposes the deletion of others' words (struck text) rather than deleting them. Words a
// bracket moves are deleted and inserted again by Yjs, and stay in the text, so they pass.
const WHITESPACE = /\s/

function othersWordsRule(blocks: readonly ChangedBlock[], identity: string): Violation | null {
  let after = ''
  for (const b of blocks) if (b.after) after += b.after.text
  let j = 0
  for (const b of blocks) {
    if (!b.before) continue
    const { text } = b.before
    const own = ownWords(text, b.before.authors, identity)
    for (let i = 0; i < text.length; i++) {
      // Spaces are not words: withdrawing one's own position takes the space before it too.
      if (own[i] || WHITESPACE.test(text[i])) continue
      const found = after.indexOf(text[i], j)
      if (found < 0) {
        // Name the word where the texts first differ: that is where the deletion is.
        let before = ''
        for (const x of blocks) if (x.before) before += x.before.text
        let k = 0
        while (k < before.length && before[k] === after[k]) k++
        return { rule: 'others-words', reason: `Propose the deletion of "${wordAt(before, Math.min(k, before.length - 1))}" (strike it through): a delegation deletes only words it typed` }
      }
      j = found + 1
    }
  }
  return null
}

/**
 * Which characters are in the sender's own words. Authorship is kept per character, but a text diff
 * may credit a letter at the edge of a word to a neighbour (typing " wX" before " wY" reuses the
 * "w" already there), so a word counts as the sender's when the sender typed most of its letters.
 */
function ownWords(text: string, authors: readonly (string | null)[], identity: string): boolean[] {
  const own = new Array<boolean>(text.length).fill(false)
  let start = 0
  while (start < text.length) {
    if (WHITESPACE.test(text[start])) { start++; continue }
    let end = start
    let mine = 0
    while (end < text.length && !WHITESPACE.test(text[end])) { if (authors[end] === identity) mine++; end++ }
    if (mine * 2 > end - start) own.fill(true, start, end)
    start = end
  }
  return own
}

function wordAt(text: string, i: number): string {
  let a = i
  let b = i + 1
  while (a > 0 && !/\s/.test(text[a - 1]) && i - a < 30) a--
  while (b < text.length && !/\s/.test(text[b]) && b - i < 30) b++
  return text.slice(a, b)
}

function bracketRule(blocks: readonly ChangedBlock[], identity: string): Violation | null {
  let before = 0
  let own = 0
  let after = 0
  for (const b of blocks) {
    if (b.before) {
      before += b.before.bracketAuthors.length
      for (const a of b.before.bracketAuthors) if (a === identity) own++
    }
    if (b.after) after += b.after.bracketAuthors.length
  }
  if (after >= before - own) return null
  return { rule: 'others-brackets', reason: 'Only the chair or the secretariat can remove brackets that another delegation put in' }
}

// Footnotes and endnotes are the secretariat's apparatus (references, sources): a delegation neither
// adds, changes nor removes one. Compared as a multiset of kind and text over the changed blocks.
function footnotesOf(json: BlockJSON | undefined, out: string[]): void {
  walkInline(json?.content, (n) => {
    if (n.type === 'footnote') out.push(`${String(n.attrs?.kind ?? 'footnote')}\u0000${String(n.attrs?.text ?? '')}`)
  })
}

function footnoteRule(blocks: readonly ChangedBlock[]): Violation | null {
  const before: string[] = []
  const after: string[] = []
  for (const b of blocks) {
    footnotesOf(b.before?.json, before)
    footnotesOf(b.after?.json, after)
  }
  const { removed, added } = difference(before, after, (k) => k)
  if (!removed.length && !added.length) return null
  return { rule: 'pen-only', reason: 'Only the chair or the secretariat can add, change or remove a footnote' }
}

function sameJSON(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

/** The refusal of a change to a paragraph marked agreed ad ref (the editor says the same). */
export const AGREED_LOCKED: Violation = Object.freeze({ rule: 'agreed-locked', reason: 'This paragraph is agreed ad ref: only the chair or the secretariat can reopen it' })

function agreedRule(blocks: readonly ChangedBlock[]): Violation | null {
  for (const b of blocks) {
    const was = b.before?.json.attrs.adref === true
    const is = b.after?.json.attrs.adref === true
    if (was && !b.after) return { rule: 'agreed-locked', reason: 'This paragraph is agreed ad ref: only the chair or the secretariat can remove it' }
    if (was !== is) return { rule: 'pen-only', reason: 'Only the chair or the secretariat can mark a paragraph agreed ad ref, or reopen it' }
    if (was && !sameJSON(b.before!.json, b.after!.json)) {
      return AGREED_LOCKED
    }
  }
  return null
}

// Ids of the blocks stay unique, and an existing block never takes an id another block had (a swap
// would make comparisons name the wrong paragraphs).
function blockIdRule(change: Change): Violation | null {
  const seen = new Set<string>()
  const beforeIds = new Set<string>()
  for (const b of change.blocks) if (typeof b.before?.json.attrs.id === 'string') beforeIds.add(b.before.json.attrs.id)
  for (const b of change.blocks) {
    const id = b.after?.json.attrs.id
    if (typeof id !== 'string') continue
    if (seen.has(id) || change.otherIds.has(id)) return { rule: 'block-id', reason: 'Two paragraphs cannot have the same id' }
    seen.add(id)
    const old = b.before?.json.attrs.id
    if (b.before && typeof old === 'string' && old !== id && beforeIds.has(id)) return { rule: 'block-id', reason: 'A paragraph cannot take the id of another paragraph' }
  }
  return null
}

/**
 * Checks a change by `sender` against the rules of who may say what. Null when it may be made.
 * `blockIds: false` skips the id rule (for the editor, see above); `deletes: false` says the change
 * deletes nothing, so the rules on removing words and brackets need not run.
 * Rules for everyone: block ids stay unique. For delegations: positions and notes are owned,
 * agreed paragraphs are locked, others' words and brackets are not removed, footnotes are the pen's.
 */
export function checkAuthority(change: Change, sender: Sender, roster: readonly RosterEntry[], options: { blockIds?: boolean; deletes?: boolean } = {}): Violation | null {
  // The editor leaves ids out: its block-id plugin makes a split paragraph's copy unique right after.
  const idProblem = options.blockIds === false ? null : blockIdRule(change)
  if (idProblem) return idProblem
  if (speaksForAnyDelegation(sender.role)) return null
  const own = sender.delegation ?? ''
  const { blocks } = change
  return agreedRule(blocks)
    ?? positionRule(blocks, own, roster)
    ?? noteRule(blocks, own, roster)
    ?? footnoteRule(blocks)
    // A change that deletes nothing removes no words and no brackets (its authors were not read).
    ?? (options.deletes === false ? null : bracketRule(blocks, sender.identity))
    ?? (options.deletes === false ? null : othersWordsRule(blocks, sender.identity))
}
