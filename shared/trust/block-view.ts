// Reads one top-level block of the shared document as ProseMirror JSON, as it was before a
// transaction or is after it, with who inserted each character and bracket. It reads Yjs items
// directly (with history kept, deleted items are still there), so both views come from one document.

import * as Y from 'yjs'
import { schema } from '../schema.ts'
import { MAX_BRACKET_DEPTH } from './limits.ts'
import type { BlockState, InlineJSON, Violation } from './types.ts'

/** Whether an item is part of the view being read. */
export type Visible = (item: Y.Item) => boolean

/** The identity whose words the item `client`/`clock` holds, or null when unknown. */
export type AuthorOf = (client: number, clock: number) => string | null

class Unreadable extends Error {}

function fail(what: string): never {
  throw new Unreadable(what)
}

const ATOMS = new Set(['delegation_mark', 'note'])
// The order ProseMirror keeps marks in (the schema's), which node.check() insists on.
const MARK_ORDER = new Map(Object.keys(schema.marks).map((name, i) => [name, i]))

function attrsOf(el: Y.XmlElement, visible: Visible): Record<string, unknown> {
  const spec = schema.nodes[el.nodeName]?.spec.attrs ?? {}
  const attrs: Record<string, unknown> = {}
  for (const [key, last] of (el as unknown as { _map: Map<string, Y.Item> })._map) {
    let item: Y.Item | null = last
    while (item && !visible(item)) item = item.left as Y.Item | null
    if (!item) continue
    if (!Object.hasOwn(spec, key)) fail(`an attribute ${JSON.stringify(key.slice(0, 40))} that <${el.nodeName}> does not have`)
    const values = item.content.getContent()
    const value = values[values.length - 1]
    // y-prosemirror writes no attribute whose value is null; a null here means "default".
    if (value !== null) attrs[key] = value
  }
  return attrs
}

function markOf(key: string, value: unknown): { type: string } {
  if (!Object.hasOwn(schema.marks, key)) fail(`formatting ${JSON.stringify(key.slice(0, 40))}`)
  if (value === null || typeof value !== 'object' || Array.isArray(value) || Object.keys(value).length > 0) fail(`formatting ${key} with a value`)
  return { type: key }
}

// Reads an element's visible children; text is appended to `out.text` with its authors.
class Reader {
  text = ''
  authors: (string | null)[] = []
  bracketAuthors: (string | null)[] = []
  /** With `ids`: the Yjs item id (client, clock) of each character of `text`. */
  clients: number[] = []
  clocks: number[] = []
  private depth = 0

  constructor (private readonly visible: Visible, private readonly authorOf: AuthorOf | null, private readonly ids: boolean) {}

  children(el: Y.XmlElement): InlineJSON[] {
    // Deeper than any valid block can be: stop before the stack does.
    if (++this.depth > MAX_BRACKET_DEPTH + 1) fail(`brackets nested more than ${MAX_BRACKET_DEPTH} deep`)
    const out: InlineJSON[] = []
    for (let n = el._start; n; n = n.right as Y.Item | null) {
      if (!this.visible(n)) continue
      const c = n.content
      if (!(c instanceof Y.ContentType)) fail('text outside a text node')
      const t = c.type
      if (t instanceof Y.XmlText) this.textRuns(t, out)
      else if (t instanceof Y.XmlElement) out.push(this.inline(t, n))
      else fail('a shared structure other than text and elements')
    }
    this.depth--
    return out
  }

  private inline(el: Y.XmlElement, item: Y.Item): InlineJSON {
    const node: InlineJSON = { type: el.nodeName }
    const attrs = attrsOf(el, this.visible)
    if (Object.keys(attrs).length) node.attrs = attrs
    if (ATOMS.has(el.nodeName)) {
      for (let n = el._start; n; n = n.right as Y.Item | null) if (this.visible(n)) fail(`text inside a <${el.nodeName}>`)
      return node
    }
    if (el.nodeName === 'bracket') this.bracketAuthors.push(this.authorOf ? this.authorOf(item.id.client, item.id.clock) : null)
    const content = this.children(el)
    if (content.length) node.content = content
    return node
  }

  private textRuns(t: Y.XmlText, out: InlineJSON[]): void {
    const current = new Map<string, unknown>()
    let last: InlineJSON | null = null
    let lastKey = ''
    for (let n = t._start; n; n = n.right as Y.Item | null) {
      if (!this.visible(n)) continue
      const c = n.content
      if (c instanceof Y.ContentFormat) {
        if (c.value === null) current.delete(c.key)
        else current.set(c.key, c.value)
        continue
      }
      if (!(c instanceof Y.ContentString)) fail('something other than text in a text node')
      const str = c.str
      if (str.length === 0) continue
      const marks = [...current].map(([k, v]) => markOf(k, v)).sort((a, b) => MARK_ORDER.get(a.type)! - MARK_ORDER.get(b.type)!)
      const key = marks.map((m) => m.type).join(',')
      if (last && key === lastKey) last.text += str
      else {
        last = marks.length ? { type: 'text', text: str, marks } : { type: 'text', text: str }
        lastKey = key
        out.push(last)
      }
      this.text += str
      const { client, clock } = n.id
      const authorOf = this.authorOf
      if (authorOf) for (let i = 0; i < str.length; i++) this.authors.push(authorOf(client, clock + i))
      if (this.ids) {
        for (let i = 0; i < str.length; i++) {
          this.clients.push(client)
          this.clocks.push(clock + i)
        }
      }
    }
  }
}

/**
 * Reads top-level block `item` (an element of the podium fragment) in the view `visible`. Returns
 * the block, or a violation naming what in it is not part of a podium text. With `ids`, the block
 * also says which Yjs item holds each character. With `authorOf` null, every author is null (read
 * without a lookup per character: a change that deletes nothing needs no authors).
 */
export function readBlock(item: Y.Item, visible: Visible, authorOf: AuthorOf | null, ids = false): BlockState | Violation {
  try {
    const c = item.content
    if (!(c instanceof Y.ContentType) || !(c.type instanceof Y.XmlElement)) fail('text outside a paragraph')
    const el = c.type as Y.XmlElement
    const reader = new Reader(visible, authorOf, ids)
    const json = { type: el.nodeName, attrs: attrsOf(el, visible), content: reader.children(el) }
    const authors = authorOf ? reader.authors : new Array<string | null>(reader.text.length).fill(null)
    const state: BlockState = { json, text: reader.text, authors, bracketAuthors: reader.bracketAuthors }
    if (ids) state.ids = { clients: reader.clients, clocks: reader.clocks }
    return state
  } catch (err) {
    if (err instanceof Unreadable) return { rule: 'invalid-block', reason: `The change holds ${err.message}, which is not part of a podium text` }
    throw err
  }
}

/** Whether readBlock's result is a violation. */
export function isViolation(v: BlockState | Violation): v is Violation {
  return 'rule' in v
}
