import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { Node } from 'prosemirror-model'
import { Transform } from 'prosemirror-transform'
import { CloseCode } from '../../shared/protocol.ts'
import { schema } from '../../shared/schema.ts'
import { podiumText } from '../../server/documents.ts'
import { DOC, cleanupDirs, start, tempDir, token, waitFor } from './helpers.ts'
import { RawClient, appendTo, block, positionsIn } from './trust-helpers.ts'

afterEach(cleanupDirs)

// The document range of `phrase` inside the top-level block whose text starts with `label`.
function rangeOf(doc: Node, label: string, phrase: string): { from: number; to: number } {
  let found: { from: number; to: number } | null = null
  doc.forEach((b, pos) => {
    if (found || !b.textContent.startsWith(label)) return
    b.descendants((n, p) => {
      if (found || !n.isText) return
      const i = n.text!.indexOf(phrase)
      if (i >= 0) found = { from: pos + 1 + p + i, to: pos + 1 + p + i + phrase.length }
    })
  })
  if (!found) throw new Error(`no "${phrase}" in ${label}`)
  return found
}

const deleteWords = (label: string, phrase: string) => (doc: Node) => {
  const { from, to } = rangeOf(doc, label, phrase)
  return new Transform(doc).delete(from, to).doc
}

describe('delegations propose deletions; they do not delete others\' words', () => {
  it('refuses deleting words another delegation (or the secretariat\'s import) typed', async () => {
    const server = await start()
    const ind = await RawClient.open(server, token(server, 'delegation', 'IND'))
    const text = podiumText(server.hub.rooms.get(DOC)!.ydoc)
    ind.edit(deleteWords('PP1.', 'rapid '))
    expect(await ind.closeCode()).toBe(CloseCode.refused)
    expect(JSON.parse(ind.denied[0])).toEqual({ rule: 'others-words', reason: 'Propose the deletion of "rapid" (strike it through): a delegation deletes only words it typed' })
    expect(podiumText(server.hub.rooms.get(DOC)!.ydoc)).toBe(text)
    await server.close()
  })

  it('accepts deleting its own words, striking others\' words, and bracketing others\' words together with their positions', async () => {
    const server = await start()
    const live = () => server.hub.rooms.get(DOC)!.ydoc
    const ind = await RawClient.open(server, token(server, 'delegation', 'IND'))
    ind.edit(appendTo('PP1.', schema.text(' our own words')))
    await waitFor(() => podiumText(live()).includes('our own words'), 'own words typed')
    ind.edit(deleteWords('PP1.', ' own'))
    await waitFor(() => podiumText(live()).includes('our words'), 'own word deleted')
    // A proposed deletion of others' words: struck text.
    ind.edit((doc) => {
      const { from, to } = rangeOf(doc, 'PP1.', 'rapid')
      return new Transform(doc).addMark(from, to, schema.marks.deletion.create()).doc
    })
    await waitFor(() => podiumText(live()).includes('~~rapid~~'), 'proposed deletion')
    // Bracket the start of PP4 up to and including its four positions: y-prosemirror deletes and
    // re-inserts them inside the new bracket; that is a move, not a change of anyone's position.
    const marksBefore = positionsIn(block(live(), 'PP4.'))
    ind.edit((doc) => {
      let start = -1
      let end = -1
      doc.forEach((b, pos) => {
        if (start >= 0 || !b.textContent.startsWith('PP4.')) return
        start = pos + 1 + 'PP4. '.length
        let seen = 0
        b.forEach((child, offset) => { if (child.type.name === 'delegation_mark' && ++seen === 4) end = pos + 1 + offset + child.nodeSize })
      })
      return new Transform(doc).replaceWith(start, end, schema.nodes.bracket.create(null, doc.slice(start, end).content)).doc
    })
    await waitFor(() => /PP4\. \[Remaining convinced/.test(podiumText(live())), 'bracketed with the positions inside')
    expect(positionsIn(block(live(), 'PP4.'))).toEqual(marksBefore)
    expect(ind.closedWith).toBeNull()
    expect(server.storage.refusals(DOC)).toEqual([])
    ind.close()
    await server.close()
  })

  it('keeps moved words their author\'s: after IND brackets CHN\'s words, CHN may still delete them, also after a restart; IND may not', async () => {
    const dataDir = tempDir()
    let server = await start({ dataDir })
    const live = () => server.hub.rooms.get(DOC)!.ydoc
    const chn = await RawClient.open(server, token(server, 'delegation', 'CHN'))
    chn.edit(appendTo('PP2.', schema.text(' chinese proposal here')))
    await waitFor(() => podiumText(live()).includes('chinese proposal here'), 'CHN typed')
    chn.close()
    const ind = await RawClient.open(server, token(server, 'delegation', 'IND'))
    ind.edit((doc) => {
      const { from, to } = rangeOf(doc, 'PP2.', 'chinese proposal')
      return new Transform(doc).replaceWith(from, to, schema.nodes.bracket.create(null, doc.slice(from, to).content)).doc
    })
    await waitFor(() => podiumText(live()).includes('[chinese proposal]'), 'IND bracketed CHN\'s words')
    expect(server.storage.provenance(DOC).every((p) => p.identity === 'delegation:CHN')).toBe(true)
    // IND cannot delete them, although its update inserted the bracketed copy.
    ind.edit(deleteWords('PP2.', 'chinese'))
    expect(await ind.closeCode()).toBe(CloseCode.refused)
    await server.close()
    server = await start({ dataDir })
    const chn2 = await RawClient.open(server, token(server, 'delegation', 'CHN'))
    chn2.edit(deleteWords('PP2.', 'chinese '))
    await waitFor(() => podiumText(live()).includes('[proposal]'), 'CHN deleted its own moved word')
    expect(chn2.closedWith).toBeNull()
    chn2.close()
    await server.close()
  })

  it('refuses removing a bracket another delegation put in; the pen may', async () => {
    const server = await start()
    const live = () => server.hub.rooms.get(DOC)!.ydoc
    const lift = (doc: Node) => {
      // Lift the first bracket of PP5b: its content stays, the brackets go.
      let at = -1
      let node: Node | null = null
      doc.forEach((b, pos) => {
        if (at >= 0 || !b.textContent.startsWith('PP5b.')) return
        b.forEach((child, offset) => { if (at < 0 && child.type.name === 'bracket') { at = pos + 1 + offset; node = child } })
      })
      return new Transform(doc).replaceWith(at, at + node!.nodeSize, node!.content).doc
    }
    const ind = await RawClient.open(server, token(server, 'delegation', 'IND'))
    ind.edit(lift)
    expect(await ind.closeCode()).toBe(CloseCode.refused)
    expect(server.storage.refusals(DOC)[0].rule).toBe('others-brackets')
    const chair = await RawClient.open(server, token(server, 'chair'))
    chair.edit(lift)
    await waitFor(() => podiumText(live()).includes('that our security is common'), 'chair lifted the bracket')
    expect(chair.closedWith).toBeNull()
    chair.close()
    await server.close()
  })

  it('refuses swapping two paragraphs\' ids (which would make compare name the wrong paragraphs), for anyone', async () => {
    const server = await start()
    const sec = await RawClient.open(server, token(server, 'secretariat'))
    sec.change((doc) => {
      const a = block(doc, 'PP4.')
      const b = block(doc, 'PP5a.')
      const [x, y] = [a.getAttribute('id'), b.getAttribute('id')]
      a.setAttribute('id', y!)
      b.setAttribute('id', x!)
    })
    expect(await sec.closeCode()).toBe(CloseCode.refused)
    expect(server.storage.refusals(DOC)[0].rule).toBe('block-id')
    await server.close()
  })
})

describe('agreed ad ref', () => {
  const markAgreed = (label: string, value: true | null) => (doc: Y.Doc) => {
    const b = block(doc, label)
    if (value) b.setAttribute('adref', true as never)
    else b.removeAttribute('adref')
  }

  it('is set and lifted by the pen only, and locks the paragraph\'s text, brackets and positions for delegations', async () => {
    const server = await start()
    const live = () => server.hub.rooms.get(DOC)!.ydoc
    const ind1 = await RawClient.open(server, token(server, 'delegation', 'IND'))
    ind1.change(markAgreed('PP1.', true))
    expect(await ind1.closeCode()).toBe(CloseCode.refused)
    expect(ind1.closedWith!.reason).toBe('Only the chair or the secretariat can mark a paragraph agreed ad ref, or reopen it')

    const chair = await RawClient.open(server, token(server, 'chair'))
    chair.change(markAgreed('PP1.', true))
    await waitFor(() => block(live(), 'PP1.').getAttribute('adref') === (true as never), 'PP1 agreed ad ref')
    expect(podiumText(live())).toMatch(/PP1\. [^\n]*\n\n\[Agreed ad ref\]\n/)

    const attempts: [string, (c: RawClient) => void][] = [
      ['typing', (c) => c.edit(appendTo('PP1.', schema.text(' and more')))],
      ['a position', (c) => c.edit(appendTo('PP1.', schema.nodes.delegation_mark.create({ delegation: 'IND', stance: '-' })))],
      ['deleting it', (c) => c.change((doc) => { const f = doc.getXmlFragment('prosemirror'); f.delete(f.toArray().indexOf(block(doc, 'PP1.')), 1) })],
      ['reopening it', (c) => c.change(markAgreed('PP1.', null))]
    ]
    for (const [what, attempt] of attempts) {
      const c = await RawClient.open(server, token(server, 'delegation', 'IND'))
      attempt(c)
      expect(await c.closeCode(), what).toBe(CloseCode.refused)
    }
    // Newest first.
    expect(server.storage.refusals(DOC, 10).map((r) => r.rule)).toEqual(['pen-only', 'agreed-locked', 'agreed-locked', 'agreed-locked', 'pen-only'].reverse())
    chair.change(markAgreed('PP1.', null))
    await waitFor(() => !block(live(), 'PP1.').getAttribute('adref'), 'PP1 reopened')
    const ind2 = await RawClient.open(server, token(server, 'delegation', 'IND'))
    ind2.edit(appendTo('PP1.', schema.text(' and more')))
    await waitFor(() => podiumText(live()).includes('and more'), 'typing after reopening')
    chair.close()
    ind2.close()
    await server.close()
  })
})
