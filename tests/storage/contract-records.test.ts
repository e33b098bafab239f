// The storage contract, part two, on SQLite and PostgreSQL alike: tokens (revocation, expiry, the
// revision stamp seen by another storage), settings, document metadata, snapshots (immutable, one
// COB per document and day even when processes race for it), leases and fenced appends (one
// holder when processes race for a lease).

import { afterEach, describe, expect, it } from 'vitest'
import { serverAttribution } from '../../server/documents.ts'
import { FencedError, type Lease, type TokenRecord } from '../../server/storage/types.ts'
import * as Y from 'yjs'
import { backend, KINDS, ONE_PARAGRAPH_TOTALS, openWithDoc, type Backend } from './backends.ts'
import { race } from './race.ts'

let current: Backend | null = null
afterEach(async () => {
  await current?.cleanup()
  current = null
})

const token = (id: string, createdAt: string): TokenRecord => ({ id, hash: `h-${id}`, role: 'delegation', delegation: 'IND', label: null, doc: null, createdAt, revokedAt: null, expiresAt: null })

describe.each(KINDS)('storage contract on %s: records', (kind) => {
  it('stores tokens; a revocation or expiry changes the revision another storage reads', async () => {
    current = await backend(kind)
    const s = current.open()
    const other = current.open()
    s.insertToken(token('b', '2026-01-01T00:00:00.000Z'))
    s.insertToken(token('a', '2026-01-01T00:00:00.000Z'))
    s.insertToken(token('c', '2025-12-31T00:00:00.000Z'))
    expect(() => s.insertToken(token('a', '2026-01-02T00:00:00.000Z'))).toThrow()
    expect(other.listTokens().map((t) => t.id)).toEqual(['c', 'b', 'a'])
    expect(other.tokenByHash('h-a')).toMatchObject({ id: 'a', role: 'delegation', delegation: 'IND', revokedAt: null, expiresAt: null })
    expect(other.tokenById('zz')).toBeNull()
    const r0 = other.tokenRevision()
    expect(s.revokeToken('a')).toBe(true)
    expect(s.revokeToken('a')).toBe(false)
    expect(s.revokeToken('zz')).toBe(false)
    const r1 = other.tokenRevision()
    expect(r1).not.toBe(r0)
    expect(other.tokenById('a')!.revokedAt).not.toBeNull()
    expect(s.setTokenExpiry('b', '2026-12-05T18:00:00.000Z')).toBe(true)
    expect(s.setTokenExpiry('zz', null)).toBe(false)
    expect(other.tokenRevision()).not.toBe(r1)
    expect(other.tokenById('b')!.expiresAt).toBe('2026-12-05T18:00:00.000Z')
  })

  it('keeps settings and document metadata', async () => {
    current = await backend(kind)
    const { s } = openWithDoc(current)
    expect(s.getSetting('roster')).toBeNull()
    s.setSetting('roster', '[1]')
    s.setSetting('roster', '[2]')
    expect(current.open().getSetting('roster')).toBe('[2]')
    s.setSetting('roster', null)
    expect(s.getSetting('roster')).toBeNull()
    expect(s.setDocMeta('d', { visibility: 'secretariat', header: 'Version 14/11/2024 13:00' })).toBe(true)
    expect(s.setDocMeta('d', { archivedAt: '2026-01-01T00:00:00.000Z' })).toBe(true)
    expect(s.getDoc('d')).toMatchObject({ visibility: 'secretariat', header: 'Version 14/11/2024 13:00', archivedAt: '2026-01-01T00:00:00.000Z' })
    expect(s.setDocMeta('d', {})).toBe(true)
    expect(s.setDocMeta('nope', { header: null })).toBe(false)
    expect(() => s.setDocMeta('d', { visibility: 'everyone' as never })).toThrow(RangeError)
  })

  it('stores snapshots immutably, one COB per document and day', async () => {
    current = await backend(kind)
    const { s, source } = openWithDoc(current)
    const upto = s.lastUpdateId('d')
    const snap = { doc: 'd', label: 'Before', createdAt: new Date().toISOString(), takenBy: 'Secretariat', role: 'secretariat', cobDate: null, sha256: 'a'.repeat(64), upto, totals: ONE_PARAGRAPH_TOTALS, snapshot: Y.encodeSnapshot(Y.snapshot(source)), state: Y.encodeStateAsUpdate(source) }
    const id = s.insertSnapshot(snap)!
    expect(id).toBeGreaterThan(0)
    expect(s.insertSnapshot({ ...snap, label: 'COB', cobDate: '2026-12-01' })).toBeGreaterThan(id)
    expect(s.insertSnapshot({ ...snap, label: 'COB again', cobDate: '2026-12-01' })).toBeNull()
    expect(s.listSnapshots('d').map((m) => [m.label, m.cobDate, m.totals])).toEqual([['Before', null, ONE_PARAGRAPH_TOTALS], ['COB', '2026-12-01', ONE_PARAGRAPH_TOTALS]])
    const got = s.getSnapshot('d', id)!
    expect(got.state).toEqual(snap.state)
    expect(s.getSnapshot('d', 9999)).toBeNull()
    expect(await current.raw("UPDATE snapshots SET label = 'changed'")).toMatch(/snapshots are immutable/)
    expect(await current.raw('DELETE FROM snapshots')).toMatch(/snapshots are immutable/)
    expect(s.getSnapshot('d', id)!.label).toBe('Before')
    expect(s.verify().ok).toBe(true)
  })

  it('gives the COB to exactly one of several processes racing for it', { timeout: 90_000 }, async () => {
    current = await backend(kind)
    openWithDoc(current)
    const out = await race(current.spec, [['cob', 'd', '2026-12-01'], ['cob', 'd', '2026-12-01'], ['cob', 'd', '2026-12-01']])
    expect(out.filter((x) => x !== null)).toHaveLength(1)
    const s = current.open()
    expect(s.listSnapshots('d').filter((m) => m.cobDate === '2026-12-01')).toHaveLength(1)
    expect(s.verify().ok).toBe(true)
  })

  it('leases a document to one holder at a time; a fenced append from a lapsed holder writes nothing', async () => {
    current = await backend(kind)
    const { s, more } = openWithDoc(current)
    expect(s.leaseOf('d')).toBeNull()
    const a = s.acquireLease('d', 'A', 60_000)!
    expect(a).toMatchObject({ doc: 'd', holder: 'A', fence: 1 })
    expect(s.acquireLease('d', 'B', 60_000)).toBeNull()
    expect(s.acquireLease('d', 'A', 60_000)!.fence).toBe(1)
    const id = s.append('d', more(), serverAttribution([1]), a.fence)
    expect(s.appendMany('d', [{ update: more(), attribution: serverAttribution([1]) }], a.fence)).toEqual([id + 1])
    s.releaseLease('d', 'B')
    expect(s.acquireLease('d', 'B', 60_000)).toBeNull()
    s.releaseLease('d', 'A')
    const b = s.acquireLease('d', 'B', 60_000)!
    expect(b.fence).toBe(2)
    expect(s.leaseOf('d')).toMatchObject({ holder: 'B', fence: 2 })
    const last = s.lastUpdateId('d')
    const audit = s.audit('d').length
    expect(() => s.append('d', more(), serverAttribution([1]), a.fence)).toThrow(FencedError)
    expect(() => s.appendMany('d', [{ update: more(), attribution: serverAttribution([1]) }], a.fence)).toThrow(FencedError)
    expect(s.lastUpdateId('d')).toBe(last)
    expect(s.audit('d')).toHaveLength(audit)
    // A lapsed lease is taken over with a new fence; a fence on a document never leased is refused.
    const short = s.acquireLease('e', 'A', 1)!
    await new Promise((r) => setTimeout(r, 20))
    expect(s.acquireLease('e', 'B', 60_000)!.fence).toBe(short.fence + 1)
    expect(() => s.append('d', more(), serverAttribution([1]), 99)).toThrow(FencedError)
    expect(s.verify().ok).toBe(true)
  })

  it('gives a lease to exactly one of several processes racing for it', { timeout: 90_000 }, async () => {
    current = await backend(kind)
    openWithDoc(current)
    const out = await race(current.spec, [['lease', 'd', 'P1'], ['lease', 'd', 'P2'], ['lease', 'd', 'P3'], ['lease', 'd', 'P4']]) as Array<Lease | null>
    const winners = out.filter((x): x is Lease => x !== null)
    expect(winners).toHaveLength(1)
    expect(winners[0].fence).toBe(1)
    expect(current.open().leaseOf('d')).toMatchObject({ holder: winners[0].holder, fence: 1 })
  })
})
