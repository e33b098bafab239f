// The storage contract, part one, on SQLite and PostgreSQL alike: documents, the update log,
// loading, compaction (also from the holder's state), audit, refusals, provenance, deletions,
// owners, sizes, and the hash chains verifying the same way.

import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { serverAttribution } from '../../server/documents.ts'
import type { Attribution } from '../../server/storage/types.ts'
import { newYDoc } from '../../shared/ydoc.ts'
import { addParagraph, content } from '../server/helpers.ts'
import { backend, KINDS, type Backend } from './backends.ts'

let current: Backend | null = null
afterEach(async () => {
  await current?.cleanup()
  current = null
})

const india = (clientIds: number[]): Attribution => ({ tokenId: 'tok-in', role: 'delegation', delegation: 'IND', identity: 'delegation:IND', clientIds })

// A source Y.Doc whose every change becomes one pending update.
function writer () {
  const source = newYDoc()
  const updates: Uint8Array[] = []
  source.on('update', (u: Uint8Array) => updates.push(u))
  return { source, next: (text: string) => { addParagraph(source, text); return updates.splice(0) } }
}

function rebuild (updates: Uint8Array[]): Y.Doc {
  const d = newYDoc()
  for (const u of updates) Y.applyUpdate(d, u)
  return d
}

describe.each(KINDS)('storage contract on %s: documents and the log', (kind) => {
  it('creates, lists, renames, appends, loads, compacts and keeps the text and the chains', async () => {
    current = await backend(kind)
    const s = current.open()
    const w = writer()
    const [first] = w.next('first')
    expect(s.createDoc('d', 'Draft', first, serverAttribution([w.source.clientID]))).toBe(true)
    expect(s.createDoc('d', 'Again', first, serverAttribution([w.source.clientID]))).toBe(false)
    expect(s.getDoc('d')).toMatchObject({ name: 'd', title: 'Draft', visibility: 'public', archivedAt: null, header: null })
    expect(s.getDoc('nope')).toBeNull()
    expect(s.setTitle('d', 'Draft 2')).toBe(true)
    expect(s.setTitle('nope', 'x')).toBe(false)
    const ids: number[] = []
    for (let i = 0; i < 5; i++) for (const u of w.next(`p${i}`)) ids.push(s.append('d', u, india([w.source.clientID])))
    expect(ids).toEqual([...ids].sort((a, b) => a - b))
    expect(s.lastUpdateId('d')).toBe(ids.at(-1))
    expect(s.pendingCount('d')).toBe(6)
    const batch = [...w.next('b1'), ...w.next('b2')].map((update) => ({ update, attribution: india([w.source.clientID]) }))
    const batchIds = s.appendMany('d', batch)
    expect(batchIds).toHaveLength(2)
    expect(batchIds[0]).toBeGreaterThan(ids.at(-1)!)

    const loaded = s.load('d')!
    expect(loaded.record.title).toBe('Draft 2')
    expect(loaded.upto).toBe(batchIds[1])
    expect(loaded.owners.get(w.source.clientID)).toBe('server')
    expect(content(rebuild(loaded.updates))).toBe(content(w.source))
    expect(s.listDocs().map((d) => d.name)).toEqual(['d'])
    expect(s.docHeads().get('d')).toBe(batchIds[1])
    expect(s.docBytes('d')).toBeGreaterThan(0)
    expect(s.bytesStored()).toBe(s.docBytes('d'))

    expect(s.compact('d')).toBe(8)
    expect(s.pendingCount('d')).toBe(0)
    expect(s.compact('d')).toBe(0)
    expect(s.lastUpdateId('d')).toBe(batchIds[1])
    for (const u of w.next('after')) s.append('d', u, india([w.source.clientID]))
    const again = s.load('d')!
    expect(again.updates).toHaveLength(2)
    expect(content(rebuild(again.updates))).toBe(content(w.source))

    const report = s.verify()
    expect(report.ok, JSON.stringify(report.problems)).toBe(true)
    expect(report.checked).toMatchObject({ states: 1, updates: 1, audit: 9 })
    // Another storage on the same meeting (another process) sees it all.
    const other = current.open()
    expect(content(rebuild(other.load('d')!.updates))).toBe(content(w.source))
    expect(other.verify().heads).toEqual(report.heads)
  })

  it('compacts from the holder\'s state only when the log ends at its upto, asking for the encoding only then', async () => {
    current = await backend(kind)
    const s = current.open()
    const w = writer()
    s.createDoc('d', 'D', w.next('a')[0], serverAttribution([w.source.clientID]))
    let upto = 0
    for (let i = 0; i < 10; i++) for (const u of w.next(`p${i}`)) upto = s.append('d', u, india([w.source.clientID]))
    let encoded = 0
    const state = Y.encodeStateAsUpdate(w.source)
    expect(s.compact('d', { upto, encode: () => { encoded++; return state } })).toBe(11)
    expect(encoded).toBe(1)
    expect(s.load('d')!.updates).toEqual([state])
    expect(s.compact('d', { upto, encode: () => { encoded++; return state } })).toBe(0)
    expect(encoded).toBe(1)
    // Another writer appended after the holder's upto: the rows are merged instead.
    const other = current.open()
    for (const u of w.next('other')) other.append('d', u, india([w.source.clientID]))
    const stale = Y.encodeStateAsUpdate(newYDoc())
    expect(s.compact('d', { upto, encode: () => { encoded++; return stale } })).toBe(1)
    expect(encoded).toBe(1)
    expect(content(rebuild(s.load('d')!.updates))).toBe(content(w.source))
    expect(s.verify().ok).toBe(true)
  })

  it('records the audit, refusals, provenance and deletions, and reads them merged by time', async () => {
    current = await backend(kind)
    const s = current.open()
    const w = writer()
    s.createDoc('d', 'D', w.next('a')[0], serverAttribution([w.source.clientID]))
    const [u1] = w.next('by india')
    const id = s.append('d', u1, india([w.source.clientID, 77]))
    // A deletion: its record names who deleted.
    const frag = w.source.getXmlFragment('prosemirror')
    const before: Uint8Array[] = []
    w.source.on('update', (u: Uint8Array) => before.push(u))
    frag.delete(0, 1)
    const delId = s.append('d', before.at(-1)!, india([w.source.clientID]))
    s.recordRefusal({ doc: 'd', tokenId: 'tok-fr', role: 'delegation', delegation: 'FRA', at: new Date(Date.now() + 1000).toISOString(), rule: 'position-owner', reason: 'Only India can withdraw India\'s position', bytes: 12 })
    s.recordProvenance('d', [{ client: 5, clock: 0, len: 3, identity: 'delegation:IND' }, { client: 5, clock: 3, len: 2, identity: 'delegation:FRA' }])

    const audit = s.audit('d')
    expect(audit[0]).toMatchObject({ updateId: delId, doc: 'd', tokenId: 'tok-in', role: 'delegation', delegation: 'IND' })
    expect(audit[1]).toMatchObject({ updateId: id, clientIds: [w.source.clientID, 77], bytes: u1.byteLength })
    expect(s.audit('d', 1)).toHaveLength(1)
    expect(s.refusals('d')).toEqual([expect.objectContaining({ rule: 'position-owner', delegation: 'FRA', reason: 'Only India can withdraw India\'s position' })])
    expect(s.provenance('d')).toEqual([{ client: 5, clock: 0, len: 3, identity: 'delegation:IND' }, { client: 5, clock: 3, len: 2, identity: 'delegation:FRA' }])
    expect(s.owners('d').get(77)).toBe('delegation:IND')
    const deletions = s.deletions('d')
    expect(deletions.map((d) => [d.updateId, d.identity])).toContainEqual([delId, 'delegation:IND'])

    const entries = s.auditEntries('d')
    expect(entries.map((e) => e.kind)).toEqual(['accepted', 'accepted', 'accepted', 'refused'])
    expect(entries.at(-1)).toMatchObject({ kind: 'refused', rule: 'position-owner', updateId: null, clientIds: null })
    expect(s.auditEntries('d', { delegation: 'FRA' }).map((e) => e.kind)).toEqual(['refused'])
    expect(s.auditEntries('d', { limit: 2 }).map((e) => e.kind)).toEqual(['accepted', 'refused'])
    expect(s.auditEntries('d', { since: entries.at(-1)!.at })).toHaveLength(1)
    expect(s.verify().ok).toBe(true)
  })

  it('stores hostile text in attributions and titles as text (quotes, backslashes, SQL, NUL-free unicode)', async () => {
    current = await backend(kind)
    const s = current.open()
    const w = writer()
    const nasty = "O'Brien\\'); DROP TABLE audit; -- \\x00 ü 🎉 $$ $1"
    expect(s.createDoc('d', nasty, w.next('a')[0], serverAttribution([w.source.clientID]))).toBe(true)
    const a = { tokenId: nasty, role: 'delegation' as const, delegation: nasty, identity: `delegation:${nasty}`, clientIds: [w.source.clientID, 2 ** 31 + 5] }
    const [u] = w.next('b')
    const id = s.append('d', u, a)
    expect(s.getDoc('d')!.title).toBe(nasty)
    expect(s.audit('d')[0]).toMatchObject({ updateId: id, tokenId: nasty, delegation: nasty, clientIds: [w.source.clientID, 2 ** 31 + 5] })
    expect(s.owners('d').get(2 ** 31 + 5)).toBe(`delegation:${nasty}`)
    expect(s.load('d')!.updates.at(-1)).toEqual(u)
    expect(s.verify().ok).toBe(true)
  })

  it('keeps the audit and refusals append-only (the database refuses changes and deletions)', async () => {
    current = await backend(kind)
    const s = current.open()
    const w = writer()
    s.createDoc('d', 'D', w.next('a')[0], serverAttribution([w.source.clientID]))
    s.recordRefusal({ doc: 'd', tokenId: null, role: 'observer', delegation: null, at: new Date().toISOString(), rule: 'read-only', reason: 'Observers cannot edit', bytes: 3 })
    expect(await current.raw("UPDATE audit SET role = 'chair'")).toMatch(/audit is append-only/)
    expect(await current.raw('DELETE FROM audit')).toMatch(/audit is append-only/)
    expect(await current.raw("UPDATE refusals SET reason = 'x'")).toMatch(/audit is append-only/)
    expect(await current.raw('DELETE FROM refusals')).toMatch(/audit is append-only/)
    expect(s.verify().ok).toBe(true)
  })
})
