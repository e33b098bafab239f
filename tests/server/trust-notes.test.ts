import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CloseCode } from '../../shared/protocol.ts'
import { DOC, cleanupDirs, start, token, waitFor } from './helpers.ts'
import { RawClient, block, elements } from './trust-helpers.ts'

afterEach(cleanupDirs)

// PP5a's note "(IND, TUR, BANGL, ISR, RUS: depends on PP5b and PP5c)", by a hand-made change.
const shared = (doc: Y.Doc) => elements(doc, 'note').find((n) => String(n.getAttribute('delegations')).startsWith('IND, TUR'))!

describe('notes are owned', () => {
  it('refuses a delegation changing the text of a shared note, removing it, or writing a note for another; lets it take its own code out', async () => {
    const server = await start()
    const live = () => server.hub.rooms.get(DOC)!.ydoc
    const attempts: [string, (doc: Y.Doc) => void][] = [
      ['changing the text of a note others share', (doc) => shared(doc).setAttribute('text', 'agreed')],
      ['removing a note others share', (doc) => { const n = shared(doc); const p = n.parent as Y.XmlElement; p.delete(p.toArray().indexOf(n), 1) }],
      ['writing a note for China', (doc) => {
        const n = new Y.XmlElement('note')
        n.setAttribute('delegations', 'CHN')
        n.setAttribute('text', 'keep original')
        n.setAttribute('form', 'colon')
        const b = block(doc, 'PP1.')
        b.insert(b.length, [n])
      }],
      ['adding Egypt to a shared note', (doc) => shared(doc).setAttribute('delegations', 'IND, TUR, BANGL, ISR, RUS, EGY')]
    ]
    for (const [what, attempt] of attempts) {
      const c = await RawClient.open(server, token(server, 'delegation', 'IND'))
      c.change(attempt)
      expect(await c.closeCode(), what).toBe(CloseCode.refused)
    }
    expect(server.storage.refusals(DOC, 10).map((r) => r.rule)).toEqual(['note-owner', 'note-owner', 'note-owner', 'note-owner'])
    // Its own code it may take out of the note.
    const ind = await RawClient.open(server, token(server, 'delegation', 'IND'))
    ind.change((doc) => shared(doc).setAttribute('delegations', 'TUR, BANGL, ISR, RUS'))
    await waitFor(() => elements(live(), 'note').some((n) => n.getAttribute('delegations') === 'TUR, BANGL, ISR, RUS'), 'IND left the note')
    expect(ind.closedWith).toBeNull()
    ind.close()
    await server.close()
  })
})
