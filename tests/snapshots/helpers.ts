import type { Node } from 'prosemirror-model'
import type * as Y from 'yjs'
import type { RunningServer } from '../../server/index.ts'
import { readDocFromY, updateYFromDoc } from '../../shared/ydoc.ts'

/** Calls the REST API with a bearer token; resolves to the status and the parsed body (JSON or text). */
export async function api(server: RunningServer, tok: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any; text: string }> {
  const res = await fetch(server.url + '/api' + path, {
    method,
    headers: { authorization: `Bearer ${tok}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  const text = await res.text()
  let parsed: unknown = text
  if ((res.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(text)
  return { status: res.status, body: parsed, text }
}

/** Edits a client's Y.Doc as its editor would: a ProseMirror change turned into one Yjs update. */
export function edit(ydoc: Y.Doc, change: (doc: Node) => Node): void {
  updateYFromDoc(ydoc, change(readDocFromY(ydoc)), 'editor')
}

/** The position of the first node matching `pred`; throws a RangeError when none does. */
export function find(doc: Node, pred: (n: Node) => boolean): number {
  let at = -1
  doc.descendants((n, pos) => { if (at < 0 && pred(n)) at = pos; return at < 0 })
  if (at < 0) throw new RangeError('find: no node matches')
  return at
}
