import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { CloseCode } from '../../shared/protocol.ts'
import { schema } from '../../shared/schema.ts'
import { DEFAULT_ROSTER } from '../../shared/roster.ts'
import { DEFAULT_MEETING } from '../../server/config.ts'
import { DOC, cleanupDirs, content, start, token, waitFor } from './helpers.ts'
import { RawClient, appendPosition, appendTo, block, elements, positionsIn } from './trust-helpers.ts'

afterEach(cleanupDirs)

const live = (server: Awaited<ReturnType<typeof start>>) => server.hub.rooms.get(DOC)!.ydoc

describe('positions are owned', () => {
  it('refuses a delegation stating, withdrawing or changing another delegation\'s position, and explains why', async () => {
    const server = await start()

    // IND states a position for China on PP1.
    const a = await RawClient.open(server, token(server, 'delegation', 'IND'))
    const before = content(live(server))
    a.change((doc) => appendPosition(doc, 'PP1.', { delegation: 'CHN', stance: '+' }))
    expect(await a.closeCode()).toBe(CloseCode.refused)
    expect(a.closedWith!.reason).toBe("Only China can state China's position")
    expect(JSON.parse(a.denied[0])).toEqual({ rule: 'position-owner', reason: "Only China can state China's position" })

    // IND withdraws China's (+CHN) in PP4.
    const b = await RawClient.open(server, token(server, 'delegation', 'IND'))
    b.change((doc) => {
      const chn = elements(doc, 'delegation_mark').find((m) => m.getAttribute('delegation') === 'CHN')!
      const parent = chn.parent as Y.XmlElement
      parent.delete(parent.toArray().indexOf(chn), 1)
    })
    expect(await b.closeCode()).toBe(CloseCode.refused)
    expect(b.closedWith!.reason).toBe("Only China can withdraw China's position")

    // IND flips Israel's stance (an attribute change, the attack the audit used to attribute to nobody).
    const c = await RawClient.open(server, token(server, 'delegation', 'IND'))
    c.change((doc) => {
      elements(doc, 'delegation_mark').find((m) => m.getAttribute('delegation') === 'ISR')!.setAttribute('stance', '+')
    })
    expect(await c.closeCode()).toBe(CloseCode.refused)
    expect(c.closedWith!.reason).toBe("Only Israel can change Israel's position")

    // Nothing of it reached the document, storage or the audit of accepted updates; all is in the refusals.
    expect(content(live(server))).toBe(before)
    const refusals = server.storage.refusals(DOC)
    expect(refusals.map((r) => r.rule)).toEqual(['position-owner', 'position-owner', 'position-owner'])
    expect(refusals.every((r) => r.delegation === 'IND' && r.role === 'delegation')).toBe(true)
    expect(await server.metrics.render()).toContain('podium_updates_refused_by_rule_total{rule="position-owner"} 3')
    await server.close()
  })

  it('lets a delegation state, change and withdraw its own position, and the pen speak for anyone', async () => {
    const server = await start()
    const ind = await RawClient.open(server, token(server, 'delegation', 'IND'))
    ind.edit(appendTo('PP1.', schema.nodes.delegation_mark.create({ delegation: 'IND', stance: '+', qualifier: 'with reservation' })))
    await waitFor(() => positionsIn(block(live(server), 'PP1.')).includes('(+IND with reservation)'), 'own position stated')
    ind.change((doc) => {
      const m = elements(doc, 'delegation_mark').find((e) => e.getAttribute('qualifier') === 'with reservation')!
      m.setAttribute('stance', '-')
    })
    await waitFor(() => positionsIn(block(live(server), 'PP1.')).includes('(-IND with reservation)') || ind.closedWith !== null, 'own position changed')
    expect(server.storage.refusals(DOC)).toEqual([])
    ind.change((doc) => {
      const m = elements(doc, 'delegation_mark').find((e) => e.getAttribute('qualifier') === 'with reservation')!
      const parent = m.parent as Y.XmlElement
      parent.delete(parent.toArray().indexOf(m), 1)
    })
    await waitFor(() => positionsIn(block(live(server), 'PP1.')).length === 0, 'own position withdrawn')

    // The chair types what China says from the floor.
    const chair = await RawClient.open(server, token(server, 'chair'))
    chair.change((doc) => appendPosition(doc, 'PP1.', { delegation: 'CHN', stance: '+' }))
    await waitFor(() => positionsIn(block(live(server), 'PP1.')).includes('(+CHN)'), 'chair states a position for China')
    expect(ind.closedWith).toBeNull()
    expect(chair.closedWith).toBeNull()
    expect(server.storage.refusals(DOC)).toEqual([])
    ind.close()
    chair.close()
    await server.close()
  })
})

describe('codes written in another script', () => {
  it('are the roster\'s delegation: Iran may state (+ИРАН), India may not', async () => {
    const roster = DEFAULT_ROSTER.map((e) => (e.code === 'IRAN' ? { ...e, aliases: ['ИРАН'] } : e))
    const server = await start({ meeting: { ...DEFAULT_MEETING, roster } })
    const mark = () => (doc: Y.Doc) => appendPosition(doc, 'PP1.', { delegation: 'ИРАН', stance: '+' })
    const ind = await RawClient.open(server, token(server, 'delegation', 'IND'))
    ind.change(mark())
    expect(await ind.closeCode()).toBe(CloseCode.refused)
    expect(ind.closedWith!.reason).toBe("Only Iran can state Iran's position")
    const iran = await RawClient.open(server, token(server, 'delegation', 'IRAN'))
    iran.change(mark())
    await waitFor(() => positionsIn(block(live(server), 'PP1.')).includes('(+ИРАН)'), 'Iran states its position in Cyrillic')
    expect(iran.closedWith).toBeNull()
    iran.close()
    await server.close()
  })
})

// An update written by hand: the given structs (one run per client), no deletions.
function encodeStructs(items: Y.Item[]): Uint8Array {
  const enc = new Y.UpdateEncoderV1()
  const byClient = new Map<number, Y.Item[]>()
  for (const it of items) byClient.set(it.id.client, [...(byClient.get(it.id.client) ?? []), it])
  encoding.writeVarUint(enc.restEncoder, byClient.size)
  for (const [client, list] of byClient) {
    encoding.writeVarUint(enc.restEncoder, list.length)
    enc.writeClient(client)
    encoding.writeVarUint(enc.restEncoder, list[0].id.clock)
    for (const it of list) it.write(enc, 0)
  }
  encoding.writeVarUint(enc.restEncoder, 0)
  return enc.toUint8Array()
}

describe('an attribute written as text', () => {
  it('is judged as the attribute change it is: a qualifier on Israel\'s position, sent as a string struct, is refused', async () => {
    const server = await start()
    const ind = await RawClient.open(server, token(server, 'delegation', 'IND'))
    const sv = Y.encodeStateVector(ind.doc)
    const scratch = new Y.Doc({ gc: false })
    Y.applyUpdate(scratch, Y.encodeStateAsUpdate(ind.doc))
    scratch.clientID = ind.doc.clientID
    const isr = (doc: Y.Doc) => elements(doc, 'delegation_mark').find((m) => m.getAttribute('delegation') === 'ISR' && !m.getAttribute('qualifier'))!
    isr(scratch).setAttribute('qualifier', 'x')
    const decoded = Y.decodeUpdate(Y.encodeStateAsUpdate(scratch, sv))
    const items = decoded.structs.filter((s): s is Y.Item => s instanceof Y.Item)
    expect(items).toHaveLength(1)
    // The same attribute, its value as one character of text instead of a plain value.
    ;(items[0] as unknown as { content: unknown }).content = new Y.ContentString('x')
    ind.send(encodeStructs(items))
    expect(await ind.closeCode()).toBe(CloseCode.refused)
    expect(server.storage.refusals(DOC)[0].rule).toBe('position-owner')
    expect(positionsIn(server.hub.rooms.get(DOC)!.ydoc.getXmlFragment('prosemirror'))).not.toContain('(-ISR x)')
    scratch.destroy()
    await server.close()
  })
})
