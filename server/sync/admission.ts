// Admission of an incoming update before it touches the room's document: it must be complete (every
// struct and deletion it refers to is already on the server or in the update itself), and made only
// of the kinds of content a podium text is made of. Decoded with Yjs itself, never by hand.

import * as Y from 'yjs'
import { FRAGMENT_NAME } from '../../shared/ydoc.ts'
import { schema } from '../../shared/schema.ts'
import type { Violation } from '../../shared/trust/index.ts'

/** What an incoming update would change, and whether it may be applied at all. */
export interface Admission {
  /** Client IDs with structs beyond what the document already holds, ascending. */
  newClients: number[]
  /** Whether applying it could change the document (new structs or deletions). */
  changes: boolean
  /** Why it may not be applied, or null. */
  refusal: Violation | null
}

const ELEMENT_NAMES = new Set(Object.keys(schema.nodes).filter((n) => n !== 'doc' && n !== 'text'))

function incomplete(what: string): Violation {
  return { rule: 'incomplete-update', reason: `The change refers to ${what} the server does not have; reload to get the current text` }
}

function unknown(what: string): Violation {
  return { rule: 'unknown-content', reason: `The change holds ${what}, which is not part of a podium text` }
}

// What kinds of content a new struct may carry: text, formatting (marks), XML elements and text
// nodes, plain values (attributes), and deleted placeholders. Where each may stand (an attribute's
// parent is often known only once integrated) is judged on the document afterwards (judge.ts).
function contentProblem(item: Y.Item): Violation | null {
  const c = item.content
  if (c instanceof Y.ContentString || c instanceof Y.ContentFormat || c instanceof Y.ContentAny || c instanceof Y.ContentDeleted) return null
  if (c instanceof Y.ContentType) {
    const t = c.type
    if (t.constructor === Y.XmlText) return null
    if (t.constructor === Y.XmlElement) {
      const name = (t as Y.XmlElement).nodeName
      return ELEMENT_NAMES.has(name) ? null : unknown(`an element <${String(name).slice(0, 40)}>`)
    }
    return unknown('a shared structure other than text and elements')
  }
  return unknown('embedded data')
}

/**
 * Decodes `update` (Yjs v1) against `ydoc` and decides whether it may be applied. Throws when the
 * update cannot be decoded; the caller closes the connection for that.
 */
export function admitUpdate(update: Uint8Array, ydoc: Y.Doc): Admission {
  const { structs, ds } = Y.decodeUpdate(update)
  const store = ydoc.store
  // Per client, the clock up to which structs are available once the update is applied: what the
  // server has, extended by the update's structs that continue it without a gap.
  const reach = new Map<number, number>()
  const known = (client: number) => reach.get(client) ?? Y.getState(store, client)
  const newClients = new Set<number>()
  const fresh: Y.Item[] = []
  let refusal: Violation | null = null
  for (const s of structs) {
    const client = s.id.client
    const end = s.id.clock + s.length
    const have = known(client)
    if (end <= have) continue // already integrated: Yjs skips it
    if (s instanceof Y.Skip || s.id.clock > have) {
      refusal ??= incomplete('earlier edits')
      continue
    }
    if (s instanceof Y.GC) {
      refusal ??= unknown('collected content')
      continue
    }
    reach.set(client, end)
    newClients.add(client)
    fresh.push(s as Y.Item)
  }
  if (!refusal) {
    const available = (id: Y.ID | null) => id === null || id.clock < known(id.client)
    for (const item of fresh) {
      if (!available(item.origin) || !available(item.rightOrigin)) {
        refusal = incomplete('text')
        break
      }
      const parent = item.parent as Y.ID | string | null
      if (typeof parent === 'string') {
        if (parent !== FRAGMENT_NAME) {
          refusal = unknown(`a shared structure named ${JSON.stringify(parent.slice(0, 40))}`)
          break
        }
      } else if (parent !== null && !available(parent)) {
        refusal = incomplete('a paragraph')
        break
      }
      refusal = contentProblem(item)
      if (refusal) break
    }
  }
  let deletes = false
  if (!refusal) {
    for (const [client, ranges] of ds.clients) {
      for (const r of ranges) {
        deletes = true
        if (r.clock + r.len > known(client)) {
          refusal = incomplete('text')
          break
        }
      }
      if (refusal) break
    }
  }
  return { newClients: [...newClients].sort((a, b) => a - b), changes: newClients.size > 0 || deletes, refusal }
}
