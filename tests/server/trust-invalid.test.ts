import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CloseCode } from '../../shared/protocol.ts'
import { createDocument, podiumText } from '../../server/documents.ts'
import { schema } from '../../shared/schema.ts'
import { takeSnapshot, compare, snapshotDoc } from '../../server/snapshots/service.ts'
import { SERVER_ACTOR } from '../../server/sync/origins.ts'
import { serializePodium } from '../../shared/format/index.ts'
import { DOC, cleanupDirs, connect, content, destroyAll, start, synced, token, waitFor } from './helpers.ts'
import { RawClient, appendPosition, appendTo, block } from './trust-helpers.ts'

afterEach(cleanupDirs)


// Each hostile change, as a hand-made Yjs change on a delegation's own document.
const attacks: [string, string, (doc: Y.Doc) => void][] = [
  ['a position for "__proto__"', 'invalid-block', (doc) => appendPosition(doc, 'PP4.', { delegation: '__proto__', stance: '+' })],
  ['a number as a delegation code', 'invalid-block', (doc) => appendPosition(doc, 'PP4.', { delegation: 42, stance: '+' })],
  ['an object as note text', 'invalid-block', (doc) => {
    const note = new Y.XmlElement('note')
    note.setAttribute('delegations', 'IND')
    note.setAttribute('text', { evil: true } as never)
    const pp4 = block(doc, 'PP4.')
    pp4.insert(pp4.length, [note])
  }],
  ['brackets nested 3,000 deep', 'invalid-block', (doc) => {
    // Built from the outside in, each bracket already in the document (Yjs copies nested prelim types recursively).
    let at: Y.XmlElement = block(doc, 'PP4.')
    for (let i = 0; i < 3000; i++) {
      const b = new Y.XmlElement('bracket')
      at.insert(at.length, [b])
      at = b
    }
    at.insert(0, [new Y.XmlText('deep')])
  }],
  ['an empty unknown element <x/> in PP4', 'unknown-content', (doc) => { const pp4 = block(doc, 'PP4.'); pp4.insert(pp4.length, [new Y.XmlElement('x')]) }],
  ['an unknown attribute on PP4', 'invalid-block', (doc) => { block(doc, 'PP4.').setAttribute('onclick', 'x') }],
  ['text straight in the document, outside a paragraph', 'invalid-block', (doc) => { doc.getXmlFragment('prosemirror').insert(0, [new Y.XmlText('loose')]) }],
  ['a paragraph inside a paragraph', 'invalid-block', (doc) => { const pp4 = block(doc, 'PP4.'); pp4.insert(0, [new Y.XmlElement('paragraph')]) }],
  ['a shared map beside the text', 'unknown-content', (doc) => { doc.getMap('evil').set('x', 1) }],
  ['an unknown mark', 'invalid-block', (doc) => { (block(doc, 'PP4.').get(0) as Y.XmlText).format(0, 3, { blink: {} }) }]
]

describe('content the schema does not accept', () => {
  it.each(attacks)('is refused: %s (rule %s), and the text, snapshots, compare and other clients are untouched', async (_what, rule, attack) => {
    const server = await start()
    const honest = connect(server, token(server, 'delegation', 'CHN'))
    await synced(honest)
    const live = () => server.hub.rooms.get(DOC)!.ydoc
    const text = podiumText(live())
    const hostile = await RawClient.open(server, token(server, 'delegation', 'IND'))
    hostile.change(attack)
    expect(await hostile.closeCode()).toBe(CloseCode.refused)
    expect(server.storage.refusals(DOC)[0]?.rule).toBe(rule)
    expect(podiumText(live())).toBe(text)
    expect(content(honest.doc)).toBe(content(live()))
    expect(({} as Record<string, unknown>).evil).toBeUndefined()
    // Snapshots (so COB), compare and their text still work, and PP4 is still disputed.
    const taken = takeSnapshot({ storage: server.storage, live: server.hub.rooms }, DOC, { label: 'after the attack', by: SERVER_ACTOR })
    expect(taken.ok).toBe(true)
    if (!taken.ok) return
    expect(serializePodium(snapshotDoc(server.storage.getSnapshot(DOC, taken.snapshot.id)!))).toBe(text)
    expect(compare({ storage: server.storage, live: server.hub.rooms }, DOC, taken.snapshot.id, 'live').ok).toBe(true)
    expect(text).toMatch(/PP4\. .*\(\+IRAN\)/)
    destroyAll(honest)
    await server.close()
  })
})

describe('a text imported with codes the roster lacks', () => {
  it('keeps its positions of them editable around; a new position for a code off the roster is refused, even from the pen', async () => {
    const server = await start()
    const created = createDocument(server.storage, 'sco', 'SCO', 'OP1. Cooperation with the organisation [as observers] (+XYZ) (+CHN)\n', server.meeting.roster)
    expect(created.ok).toBe(true)
    const live = () => server.hub.rooms.get('sco')!.ydoc
    const ind = await RawClient.open(server, token(server, 'delegation', 'IND'), 'sco')
    ind.edit(appendTo('OP1.', schema.text(' and partners')))
    await waitFor(() => podiumText(live()).includes('and partners'), 'IND typed next to (+XYZ)')
    expect(ind.closedWith).toBeNull()
    const chair = await RawClient.open(server, token(server, 'chair'), 'sco')
    chair.edit(appendTo('OP1.', schema.nodes.delegation_mark.create({ delegation: 'XYZ', stance: '-' })))
    expect(await chair.closeCode()).toBe(CloseCode.refused)
    expect(server.storage.refusals('sco')[0].reason).toContain('"XYZ"')
    ind.close()
    await server.close()
  })
})
