// Whether a block read from the shared document is one the podium schema and the meeting's roster
// accept. The server refuses any change that would leave a block failing this check.

import { schema } from '../schema.ts'
import { CODE_PATTERN, rosterCodes, type RosterEntry } from '../roster.ts'
import type { BlockJSON, InlineJSON, Violation } from './types.ts'
import {
  MAX_BLOCK_ID_LENGTH, MAX_BLOCK_INLINE_NODES, MAX_FOOTNOTE_TEXT_LENGTH, MAX_BLOCK_TEXT_LENGTH, MAX_BRACKET_DEPTH,
  MAX_NOTE_DELEGATIONS, MAX_NOTE_TEXT_LENGTH, MAX_QUALIFIER_LENGTH
} from './limits.ts'

const BLOCK_TYPES = new Set(['paragraph', 'heading'])
const INLINE_TYPES = new Set(['text', 'bracket', 'delegation_mark', 'note', 'footnote'])
const BLOCK_ID_PATTERN = /^[A-Za-z0-9_-]+$/

/** The separator between the codes of a note's `delegations` attribute. */
export const NOTE_CODE_SEPARATOR = ', '

/** The codes a note lists, in order (its `delegations` attribute split). */
export function noteCodes(delegations: string): string[] {
  return delegations === '' ? [] : delegations.split(NOTE_CODE_SEPARATOR)
}

function invalid(reason: string): Violation {
  return { rule: 'invalid-block', reason }
}

/**
 * The schema's own attribute check (`validate` of each attribute spec, as node.check() runs it),
 * without building a ProseMirror node: keys the node type does not declare are refused too.
 */
function attrsProblem(type: string, attrs: Record<string, unknown> | undefined): Violation | null {
  if (attrs === undefined) return null
  if (attrs === null || typeof attrs !== 'object' || Array.isArray(attrs)) return invalid(`the attributes of a ${type} are not a list of names and values`)
  // NodeType.attrs (the compiled specs, validate strings made functions) is not in the typings.
  const declared = (schema.nodes[type] as unknown as { attrs: Record<string, { validate?: (v: unknown) => void }> }).attrs
  for (const key of Object.keys(attrs)) {
    const spec = Object.hasOwn(declared, key) ? declared[key] : undefined
    if (!spec) return invalid(`a ${type} has no attribute ${JSON.stringify(key).slice(0, 40)}`)
    try {
      spec.validate?.(attrs[key])
    } catch (err) {
      return invalid(`the paragraph does not fit the podium format (${(err as Error).message.slice(0, 120)})`)
    }
  }
  return null
}

function marksProblem(marks: unknown): Violation | null {
  if (marks === undefined) return null
  if (!Array.isArray(marks)) return invalid('the formatting of some text is not a list')
  const seen = new Set<string>()
  for (const m of marks as { type?: unknown; attrs?: unknown }[]) {
    const type = m?.type
    if (typeof type !== 'string' || !Object.hasOwn(schema.marks, type) || seen.has(type)) return invalid(`formatting ${JSON.stringify(type ?? null).slice(0, 40)} is not part of a podium text`)
    if (m.attrs !== undefined && (m.attrs === null || typeof m.attrs !== 'object' || Object.keys(m.attrs).length > 0)) return invalid(`formatting ${type} with a value`)
    seen.add(type)
  }
  return null
}

// A bounded walk over the inline content: node types where the schema allows them, the schema's
// attribute checks, counts, depth, and what the schema cannot judge (roster codes, lengths).
class Walk {
  chars = 0
  nodes = 0
  constructor (private readonly codes: ReadonlySet<string>, private readonly tolerated: Map<string, number> = new Map()) {}

  // A position or note naming a code off the roster that the block already held (an imported text
  // may name delegations the meeting's roster lacks) is kept as it was; a new one is refused.
  private known(key: string): boolean {
    const n = this.tolerated.get(key) ?? 0
    if (n === 0) return false
    this.tolerated.set(key, n - 1)
    return true
  }

  inline(nodes: unknown, depth: number): Violation | null {
    if (nodes === undefined) return null
    if (!Array.isArray(nodes)) return invalid('the content of a paragraph is not a list')
    for (const n of nodes as InlineJSON[]) {
      if (n === null || typeof n !== 'object' || typeof n.type !== 'string' || !INLINE_TYPES.has(n.type)) {
        return invalid(`an element of unknown kind (${JSON.stringify((n as InlineJSON | null)?.type ?? null).slice(0, 40)}) cannot be part of the text`)
      }
      if (n.type === 'text') {
        if (typeof n.text !== 'string' || n.text.length === 0) return invalid('text that is not a string')
        const markProblem = marksProblem(n.marks)
        if (markProblem) return markProblem
        this.chars += n.text.length
        if (this.chars > MAX_BLOCK_TEXT_LENGTH) return invalid(`a paragraph may hold at most ${MAX_BLOCK_TEXT_LENGTH} characters`)
        continue
      }
      if (++this.nodes > MAX_BLOCK_INLINE_NODES) return invalid(`a paragraph may hold at most ${MAX_BLOCK_INLINE_NODES} brackets, positions and notes`)
      if ((n as { text?: unknown }).text !== undefined) return invalid(`a ${n.type} cannot hold text of its own`)
      const nodeMarks = marksProblem(n.marks)
      if (nodeMarks) return nodeMarks
      const attrProblem = attrsProblem(n.type, n.attrs)
      if (attrProblem) return attrProblem
      const problem = n.type === 'bracket' ? this.bracket(n, depth) : n.type === 'delegation_mark' ? this.position(n) : n.type === 'footnote' ? this.footnote(n) : this.note(n)
      if (problem) return problem
    }
    return null
  }

  private bracket(n: InlineJSON, depth: number): Violation | null {
    if (depth + 1 > MAX_BRACKET_DEPTH) return invalid(`brackets may be nested at most ${MAX_BRACKET_DEPTH} deep`)
    return this.inline(n.content, depth + 1)
  }

  private position(n: InlineJSON): Violation | null {
    const a = n.attrs ?? {}
    if (typeof a.delegation !== 'string' || (!this.codes.has(a.delegation) && !(CODE_PATTERN.test(a.delegation) && this.known(positionKey(a))))) return invalid(`a position names ${JSON.stringify(a.delegation).slice(0, 40)}, which is not a delegation of this meeting`)
    if (a.qualifier != null && (typeof a.qualifier !== 'string' || a.qualifier.length > MAX_QUALIFIER_LENGTH)) return invalid(`a qualifier must be text of at most ${MAX_QUALIFIER_LENGTH} characters`)
    if (n.content !== undefined) return invalid('a position cannot hold text')
    return null
  }

  private note(n: InlineJSON): Violation | null {
    const a = n.attrs ?? {}
    if (typeof a.delegations !== 'string') return invalid('a note must list delegation codes')
    const codes = noteCodes(a.delegations)
    if (codes.length === 0 || codes.length > MAX_NOTE_DELEGATIONS) return invalid(`a note must list 1 to ${MAX_NOTE_DELEGATIONS} delegations`)
    if (new Set(codes).size !== codes.length) return invalid('a note lists a delegation twice')
    const stranger = codes.find((c) => !this.codes.has(c))
    if (stranger !== undefined && !(codes.every((c) => CODE_PATTERN.test(c)) && this.known(noteKey(a)))) return invalid(`a note names ${JSON.stringify(stranger).slice(0, 40)}, which is not a delegation of this meeting`)
    if (typeof a.text !== 'string' || a.text.length > MAX_NOTE_TEXT_LENGTH) return invalid(`the text of a note must be words, at most ${MAX_NOTE_TEXT_LENGTH} characters`)
    if (n.content !== undefined) return invalid('a note cannot hold other elements')
    return null
  }

  // The schema's check (attrsProblem) has refused a text that podium text could not write back.
  private footnote(n: InlineJSON): Violation | null {
    const text = n.attrs?.text
    if (typeof text === 'string' && text.length > MAX_FOOTNOTE_TEXT_LENGTH) return invalid(`the text of a footnote may be at most ${MAX_FOOTNOTE_TEXT_LENGTH} characters`)
    if (n.content !== undefined) return invalid('a footnote cannot hold other elements')
    return null
  }
}

const positionKey = (a: Record<string, unknown>) => `p\u0000${String(a.delegation)}\u0000${String(a.stance)}\u0000${String(a.qualifier ?? '')}`
const noteKey = (a: Record<string, unknown>) => `n\u0000${String(a.delegations)}\u0000${String(a.text)}\u0000${String(a.form)}`

// The positions and notes of a block, by key, as a multiset.
function atomsOf(json: BlockJSON | null | undefined): Map<string, number> {
  const out = new Map<string, number>()
  const walk = (nodes: InlineJSON[] | undefined) => {
    if (!Array.isArray(nodes)) return
    for (const n of nodes) {
      if (!n || typeof n !== 'object') continue
      const key = n.type === 'delegation_mark' ? positionKey(n.attrs ?? {}) : n.type === 'note' ? noteKey(n.attrs ?? {}) : null
      if (key) out.set(key, (out.get(key) ?? 0) + 1)
      if (n.type === 'bracket') walk(n.content)
    }
  }
  walk(json?.content)
  return out
}

/**
 * Checks one top-level block against the podium schema (node types, attribute types, nesting),
 * the meeting's roster (codes in positions and notes) and the bounds in limits.ts. Null when valid.
 * With `before` (the block as it was), positions and notes off the roster that it already held are
 * kept: only new ones are refused.
 */
export function validateBlock(json: BlockJSON, roster: readonly RosterEntry[], before: BlockJSON | null = null): Violation | null {
  if (json === null || typeof json !== 'object' || !BLOCK_TYPES.has(json.type)) return invalid('only paragraphs and headings can be blocks of the text')
  const id = json.attrs?.id
  if (id != null && (typeof id !== 'string' || id.length > MAX_BLOCK_ID_LENGTH || !BLOCK_ID_PATTERN.test(id))) return invalid('a paragraph id must be a short word of letters and digits')
  // A roster's codes and their aliases (`ИРАН` for IRAN in a Russian text).
  const walk = new Walk(rosterCodes(roster), atomsOf(before))
  // The schema's checks, done here without building the node (it was a tenth of the server's work
  // under load): types where the schema allows them (the walk), attribute values, marks on text.
  return attrsProblem(json.type, json.attrs) ?? walk.inline(json.content, 0)
}
