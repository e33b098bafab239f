import { afterEach, describe, expect, it } from 'vitest'
import { schema } from '../../shared/schema.ts'
import { compare, takeSnapshot } from '../../server/snapshots/service.ts'
import { SERVER_ACTOR } from '../../server/sync/origins.ts'
import { DOC, cleanupDirs, start, token, waitFor } from './helpers.ts'
import { RawClient, appendTo, elements } from './trust-helpers.ts'

afterEach(cleanupDirs)

describe('attribution', () => {
  it('names the sender of every change — words, a stance flip, a position for someone else — in compare and the audit alike', async () => {
    const server = await start()
    const deps = { storage: server.storage, live: server.hub.rooms }
    const ind = await RawClient.open(server, token(server, 'delegation', 'IND'))
    const snap = takeSnapshot(deps, DOC, { label: 'COB', by: SERVER_ACTOR })
    if (!snap.ok) throw new Error('no snapshot')

    // IND types in PP1; the chair flips Israel's (-ISR) to (+ISR) and states a position for China.
    ind.edit(appendTo('PP1.', schema.text(' words of India')))
    const chair = await RawClient.open(server, token(server, 'chair'))
    await waitFor(() => chair.doc.getXmlFragment('prosemirror').toString().includes('words of India'), 'chair has IND\'s words')
    chair.change((doc) => {
      elements(doc, 'delegation_mark').find((m) => m.getAttribute('delegation') === 'ISR' && m.getAttribute('stance') === '-')!.setAttribute('stance', '+')
    })
    chair.edit(appendTo('PP1.', schema.nodes.delegation_mark.create({ delegation: 'CHN', stance: '+' })))
    await waitFor(() => server.storage.audit(DOC, 10).filter((r) => r.role === 'chair').length === 2, 'chair\'s two updates stored')

    const result = compare(deps, DOC, snap.snapshot.id, 'live')
    if (!result.ok) throw new Error(result.reason)
    const changes = result.comparison.changes
    const find = (kind: string, text: string) => changes.find((c) => c.kind === kind && c.summary.includes(text))
    expect(find('text-changed', 'PP1')?.by).toContain('IND')
    expect(find('position-dropped', 'ISR withdrew its opposition')?.by).toEqual(['Chair'])
    expect(find('position-taken', 'ISR supported')?.by).toEqual(['Chair'])
    expect(find('position-taken', 'CHN supported')?.by).toEqual(['Chair'])
    // The redline names the chair as who flipped Israel's stance, by the name people use.
    const flipped = JSON.stringify(result.comparison.blocks).includes('"attrsChanged":{"from":{"delegation":"ISR","stance":"-"},"by":"Chair"}')
    expect(flipped).toBe(true)
    // Nothing of it is attributed to nobody.
    expect(changes.filter((c) => c.by.length === 0)).toEqual([])
    // The audit agrees: IND's update from the delegation, the two others from the chair.
    const rows = server.storage.audit(DOC, 3).reverse()
    expect(rows.map((r) => [r.role, r.delegation])).toEqual([['delegation', 'IND'], ['chair', null], ['chair', null]])
    ind.close()
    chair.close()
    await server.close()
  })
})
