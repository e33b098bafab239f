import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CloseCode } from '../../shared/protocol.ts'
import { podiumText } from '../../server/documents.ts'
import { DOC, cleanupDirs, start, token, waitFor } from './helpers.ts'
import { RawClient, block, elements } from './trust-helpers.ts'

afterEach(cleanupDirs)

// A footnote as a hand-made Yjs element, as a hostile client would send it.
function footnote(attrs: Record<string, unknown>): Y.XmlElement {
  const f = new Y.XmlElement('footnote')
  for (const [k, v] of Object.entries(attrs)) f.setAttribute(k, v as never)
  return f
}

const addTo = (label: string, attrs: Record<string, unknown>) => (doc: Y.Doc) => {
  const b = block(doc, label)
  b.insert(b.length, [footnote(attrs)])
}

describe('footnotes are the pen\'s, and their text is checked', () => {
  it('refuses a delegation adding, changing or removing a footnote, and any client sending footnote text podium text cannot hold; the secretariat adds one', async () => {
    const server = await start()
    const live = () => server.hub.rooms.get(DOC)!.ydoc
    // The secretariat adds a footnote to PP1: accepted, stored, in the podium text.
    const pen = await RawClient.open(server, token(server, 'secretariat'))
    pen.change(addTo('PP1.', { kind: 'footnote', text: 'See A/77/1, para. 3.' }))
    await waitFor(() => podiumText(live()).includes('{{footnote: See A/77/1, para. 3.}}'), 'the footnote is in the text')
    expect(pen.closedWith).toBeNull()
    pen.close()
    const text = podiumText(live())
    const ours = (doc: Y.Doc) => elements(doc, 'footnote')[0]
    const attempts: [string, string, string, (doc: Y.Doc) => void][] = [
      ['a delegation adding a footnote', 'delegation', 'pen-only', addTo('PP4.', { kind: 'footnote', text: 'Our source.' })],
      ['a delegation changing a footnote\'s text', 'delegation', 'pen-only', (doc) => ours(doc).setAttribute('text', 'Another source.')],
      ['a delegation making a footnote an endnote', 'delegation', 'pen-only', (doc) => ours(doc).setAttribute('kind', 'endnote')],
      ['a delegation removing a footnote', 'delegation', 'pen-only', (doc) => { const f = ours(doc); const p = f.parent as Y.XmlElement; p.delete(p.toArray().indexOf(f), 1) }],
      ['footnote text holding "}}"', 'secretariat', 'invalid-block', addTo('PP4.', { kind: 'footnote', text: 'a}} b' })],
      ['footnote text over two lines', 'secretariat', 'invalid-block', addTo('PP4.', { kind: 'footnote', text: 'a\nb' })],
      ['an object as footnote text', 'secretariat', 'invalid-block', addTo('PP4.', { kind: 'footnote', text: { evil: true } })],
      ['a footnote of an unknown kind', 'secretariat', 'invalid-block', addTo('PP4.', { kind: 'sidenote', text: 'x' })],
      ['text inside a footnote', 'secretariat', 'invalid-block', (doc) => { const f = footnote({ kind: 'footnote', text: 'x' }); block(doc, 'PP4.').insert(0, [f]); f.insert(0, [new Y.XmlText('inside')]) }]
    ]
    const rules: string[] = []
    for (const [what, role, rule, attempt] of attempts) {
      const c = await RawClient.open(server, role === 'delegation' ? token(server, 'delegation', 'IND') : token(server, 'secretariat'))
      c.change(attempt)
      expect(await c.closeCode(), what).toBe(CloseCode.refused)
      rules.unshift(rule)
      expect(podiumText(live()), what).toBe(text)
    }
    expect(server.storage.refusals(DOC, 20).map((r) => r.rule)).toEqual(rules)
    await server.close()
  })
})
