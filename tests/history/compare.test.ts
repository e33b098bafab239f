import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { Node } from 'prosemirror-model'
import { Transform } from 'prosemirror-transform'
import { parsePodium, serializePodium } from '../../shared/format/index.ts'
import { compareSnapshots, deleteSetOfUpdate, docAtSnapshot, recordsAttributor, renderComparisonHtml, type DeletionRecord } from '../../shared/history/index.ts'
import { schema } from '../../shared/schema.ts'
import { newYDoc, readDocFromY, updateYFromDoc, writeDocToY } from '../../shared/ydoc.ts'

// A scripted session on one server-side Y.Doc: each delegation's edits arrive as updates with its
// client id, and the "server" records owners and delete sets as the real server does.
function session(text: string) {
  const server = newYDoc()
  server.clientID = 1
  writeDocToY(parsePodium(text).doc, server, 'storage')
  const owners = new Map<number, string>([[1, 'server']])
  const deletions: DeletionRecord[] = []
  // As the server does: what each applied update newly deleted, from the server doc's own update event
  // (a client's update may carry its whole delete set; the transaction's update holds only what is new).
  server.on('update', (u: Uint8Array, origin: unknown) => {
    if (typeof origin === 'string') deletions.push({ identity: origin, ds: deleteSetOfUpdate(u) })
  })
  let nextClient = 100
  const clients = new Map<string, Y.Doc>()
  const act = (identity: string, change: (d: Node) => Node) => {
    let c = clients.get(identity)
    if (!c) {
      c = newYDoc()
      c.clientID = nextClient++
      owners.set(c.clientID, identity)
      clients.set(identity, c)
    }
    Y.applyUpdate(c, Y.encodeStateAsUpdate(server, Y.encodeStateVector(c)))
    const before = Y.encodeStateVector(c)
    updateYFromDoc(c, change(readDocFromY(c)), 'local')
    // The full-state diff (like a sync step 2) carries every deletion the client knows of.
    Y.applyUpdate(server, Y.encodeStateAsUpdate(c, before), identity)
  }
  return { server, act, who: recordsAttributor(owners, deletions) }
}

const find = (d: Node, pred: (n: Node) => boolean): number => {
  let at = -1
  d.descendants((n, pos) => { if (at < 0 && pred(n)) at = pos; return at < 0 })
  if (at < 0) throw new RangeError('find: no node matches')
  return at
}

describe('compare two states of a podium version', () => {
  const TEXT = 'PP4. Remaining convinced that cooperation is important.\n\nPP5c. Reaffirming the importance of peace.\n\nOP1. We hereby launch the process;'

  it('lists a footnote added and one removed, by the pen that did it, and draws the new one in the redline', () => {
    const { server, act, who } = session('OP1. Recalls decision 2/CMA.3{{footnote: Decision 2/CMA.3.}} and its annex.')
    const cob = Y.snapshot(server)
    act('role:secretariat', (d) => {
      const old = find(d, (n) => n.type.name === 'footnote')
      const end = find(d, (n) => n.isText && n.text!.includes('its annex')) + ' and its annex'.length
      return new Transform(d).insert(end, schema.nodes.footnote.create({ kind: 'endnote', text: 'See FCCC/TP/2023/1.' })).delete(old, old + 1).doc
    })
    const c = compareSnapshots(server, cob, Y.snapshot(server), who)
    const kinds = c.changes.filter((x) => x.kind.startsWith('footnote')).map((x) => [x.kind, x.summary, x.by])
    expect(kinds).toEqual([
      ['footnote-added', 'footnote added in OP1: {{endnote: See FCCC/TP/2023/1.}}', ['role:secretariat']],
      ['footnote-removed', 'footnote removed in OP1: {{footnote: Decision 2/CMA.3.}}', ['role:secretariat']]
    ])
    // The redline page draws the footnote as a superscript with its text (y-prosemirror may keep the
    // element and change its attributes, so it is not always marked inserted there).
    expect(renderComparisonHtml(c, 'x')).toContain('<sup title="See FCCC/TP/2023/1.">{{endnote: See FCCC/TP/2023/1.}}</sup>')
  })

  it('lists each change by paragraph and attributes it to the delegation whose update made it', () => {
    const { server, act, who } = session(TEXT)
    const cob = Y.snapshot(server)

    // IND brackets "that cooperation is important".
    act('delegation:IND', (d) => {
      const at = find(d, (n) => n.isText && n.text!.includes('that cooperation')) + 'PP4. Remaining convinced '.length
      const to = at + 'that cooperation is important'.length
      return new Transform(d).replaceWith(at, to, schema.nodes.bracket.create(null, d.slice(at, to).content)).doc
    })
    // ISR opposes it.
    act('delegation:ISR', (d) => {
      const b = find(d, (n) => n.type.name === 'bracket')
      const end = b + d.nodeAt(b)!.nodeSize
      return new Transform(d).insert(end, [schema.text(' '), schema.nodes.delegation_mark.create({ delegation: 'ISR', stance: '-' })]).doc
    })
    // The secretariat deletes PP5c.
    act('role:secretariat', (d) => {
      const p = find(d, (n) => n.type.name === 'paragraph' && n.textContent.startsWith('PP5c'))
      return new Transform(d).delete(p, p + d.nodeAt(p)!.nodeSize).doc
    })

    const now = Y.snapshot(server)
    const c = compareSnapshots(server, cob, now, who)
    expect(c.changes.map((x) => [x.kind, x.summary, x.by])).toEqual([
      ['text-changed', 'text changed in PP4', ['delegation:IND', 'delegation:ISR']],
      ['bracket-added', 'bracket added in PP4: [that cooperation is important]', ['delegation:IND']],
      ['position-taken', 'ISR opposed the bracket in PP4', ['delegation:ISR']],
      ['paragraph-removed', 'PP5c deleted', ['role:secretariat']]
    ])
    expect(c.byIdentity).toEqual({ 'delegation:IND': 2, 'delegation:ISR': 2, 'role:secretariat': 1 })

    // The redline holds the removed paragraph (struck, by the secretariat) and the added bracket (by IND).
    const removed = c.blocks.find((b) => b.change === 'removed')!
    expect(removed.by).toBe('role:secretariat')
    const pp4 = c.blocks[0]
    const bracket = pp4.content.find((x) => x.type === 'bracket')!
    expect(bracket).toMatchObject({ change: 'added', by: 'delegation:IND' })
    const mark = pp4.content.find((x) => x.type === 'delegation_mark')!
    expect(mark).toMatchObject({ change: 'added', by: 'delegation:ISR', attrs: { delegation: 'ISR', stance: '-' } })

    const html = renderComparisonHtml(c, 'Since last COB')
    expect(html).toContain('<li>ISR opposed the bracket in PP4 <span class="by">— delegation:ISR</span></li>')
    expect(html).toMatch(/<del data-by="role:secretariat">.*PP5c\. Reaffirming/)
  })

  it('rebuilds the text at each snapshot', () => {
    const { server, act } = session(TEXT)
    const cob = Y.snapshot(server)
    act('delegation:CHN', (d) => {
      const at = find(d, (n) => n.isText && n.text!.startsWith('OP1.')) + 'OP1. We hereby launch the process'.length
      return new Transform(d).insert(at, schema.text(' of transformation')).doc
    })
    expect(serializePodium(docAtSnapshot(server, cob))).toBe(TEXT + '\n')
    expect(serializePodium(docAtSnapshot(server, Y.snapshot(server)))).toContain('OP1. We hereby launch the process of transformation;')
    const c = compareSnapshots(server, cob, Y.snapshot(server), recordsAttributor(new Map(), []))
    const op1 = c.blocks[2]
    expect(op1.content).toEqual([
      { type: 'text', text: 'OP1. We hereby launch the process', marks: [], change: 'same', by: null },
      { type: 'text', text: ' of transformation', marks: [], change: 'added', by: null },
      { type: 'text', text: ';', marks: [], change: 'same', by: null }
    ])
  })

  it('drops a position and removes a bracket, in the words negotiators use', () => {
    const { server, act, who } = session('(1) The Conference shall be [referred to as OICA;] (-RUS)')
    const cob = Y.snapshot(server)
    act('delegation:RUS', (d) => {
      const m = find(d, (n) => n.type.name === 'delegation_mark')
      return new Transform(d).delete(m - 1, m + 1).doc
    })
    act('role:chair', (d) => {
      const b = find(d, (n) => n.type.name === 'bracket')
      const node = d.nodeAt(b)!
      return new Transform(d).replaceWith(b, b + node.nodeSize, node.content).doc
    })
    const c = compareSnapshots(server, cob, Y.snapshot(server), who)
    expect(c.changes.map((x) => [x.kind, x.summary, x.by])).toEqual([
      ['bracket-removed', 'bracket in (1) removed: [referred to as OICA;]', ['role:chair']],
      ['position-dropped', 'RUS withdrew its opposition to the bracket in (1)', ['delegation:RUS']]
    ])
  })
})
