import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CloseCode } from '../../shared/protocol.ts'
import { schema } from '../../shared/schema.ts'
import { podiumText, loadStoredYDoc } from '../../server/documents.ts'
import { DOC, cleanupDirs, start, token, waitFor } from './helpers.ts'
import { RawClient, appendTo, block, elements } from './trust-helpers.ts'

afterEach(cleanupDirs)

// Marks on a whole bracket, position or note travel as the node's `marks` attribute (y-prosemirror
// keeps marks on text only). The server accepts the attribute with known marks and refuses any other value.

describe('marks on brackets, positions and notes from clients', () => {
  it('accepts a bracket proposed for deletion as a whole, and a position in emphasis; both are stored', async () => {
    const server = await start()
    const live = () => server.hub.rooms.get(DOC)!.ydoc
    const ind = await RawClient.open(server, token(server, 'delegation', 'IND'))
    const struck = schema.nodes.bracket.create(null, schema.text('our own words'), [schema.marks.deletion.create()])
    const position = schema.nodes.delegation_mark.create({ delegation: 'IND', stance: '+' }, null, [schema.marks.emphasis.create()])
    ind.edit(appendTo('PP1.', schema.text(' '), struck, schema.text(' '), position))
    await waitFor(() => podiumText(live()).includes('~~[our own words]~~ *(+IND)*'), 'the marked bracket and position')
    expect(ind.closedWith).toBeNull()
    expect(elements(live(), 'bracket').some((b) => b.getAttribute('marks') === 'deletion')).toBe(true)
    const stored = loadStoredYDoc(server.storage, DOC)!
    expect(podiumText(stored)).toContain('~~[our own words]~~ *(+IND)*')
    stored.destroy()
    await server.close()
  })

  it.each([
    ['an unknown mark name', 'blink'],
    ['marks out of order', 'strong deletion'],
    ['a list instead of a string', ['deletion']],
    ['a number', 7]
  ])('refuses a bracket whose marks attribute is %s', async (_what, value) => {
    const server = await start()
    const live = () => server.hub.rooms.get(DOC)!.ydoc
    const ind = await RawClient.open(server, token(server, 'delegation', 'IND'))
    const text = podiumText(live())
    ind.change((doc) => {
      const b = new Y.XmlElement('bracket')
      b.setAttribute('marks', value as never)
      b.insert(0, [new Y.XmlText('ours')])
      const pp1 = block(doc, 'PP1.')
      pp1.insert(pp1.length, [b])
    })
    expect(await ind.closeCode()).toBe(CloseCode.refused)
    expect(server.storage.refusals(DOC)[0]?.rule).toBe('invalid-block')
    expect(podiumText(live())).toBe(text)
    await server.close()
  })
})
