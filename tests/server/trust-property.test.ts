// Property test of the trust rules through the real server, on the seed's podium version: random
// legitimate edit scripts by two delegations and the chair (typing, bracketing around others' words
// and marks, own positions and notes, proposed deletions, deleting one's own words, the chair locking
// and reopening a paragraph; online and offline) are never refused; random forged edits are always
// refused; and at the end every replica equals the server. Seeded: a failure names its seed.

import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as prng from 'lib0/prng'
import type { Node } from 'prosemirror-model'
import { Transform } from 'prosemirror-transform'
import { schema } from '../../shared/schema.ts'
import { podiumText } from '../../server/documents.ts'
import type { RunningServer } from '../../server/index.ts'
import { DOC, cleanupDirs, content, start, token, waitFor } from './helpers.ts'
import { RawClient, block, elements, plainText } from './trust-helpers.ts'

afterEach(cleanupDirs)

// Delegations never touch PP1 (the chair locks and reopens it at will) nor one another's paragraph
// of the round, so no two edits of a round conflict: conflicts are a different matter (see docs/security.md).
const LOCKABLE = 'PP1.'

interface Container { node: Node; start: number }

function containers(doc: Node, label: string): Container[] {
  const out: Container[] = []
  doc.forEach((b, pos) => {
    if (!b.textContent.startsWith(label)) return
    out.push({ node: b, start: pos + 1 })
    b.descendants((n, p) => {
      if (n.type.name === 'bracket') out.push({ node: n, start: pos + 1 + p + 1 })
      return true
    })
  })
  return out
}

// Places between children; a paragraph's own start is left out, so it keeps starting with its label.
function boundaries(c: Container): number[] {
  const out = c.node.type.name === 'bracket' ? [c.start] : []
  c.node.forEach((child, offset) => out.push(c.start + offset + child.nodeSize))
  return out
}

// One legitimate edit by `who` (a delegation code, or null for the chair) inside paragraph `label`.
function legitEdit(doc: Node, gen: prng.PRNG, who: string | null, label: string, words: string[]): Node {
  const cs = containers(doc, label)
  if (!cs.length) return doc
  const c = prng.oneOf(gen, cs)
  const tr = new Transform(doc)
  const kind = prng.int32(gen, 0, 6)
  if (kind === 0 || kind === 1) {
    // Type a word after a child (never inside an existing word).
    const word = `w${who ?? 'CHAIR'}${words.length}`
    words.push(word)
    tr.insert(prng.oneOf(gen, boundaries(c)), schema.text(` ${word} `))
  } else if (kind === 2) {
    // Bracket a run of whole children: others' words and positions move into it.
    const b = [c.start, ...boundaries(c).filter((x) => x !== c.start)]
    if (b.length < 2) return doc
    const i = prng.int32(gen, 0, b.length - 2)
    const j = prng.int32(gen, i + 1, b.length - 1)
    tr.replaceWith(b[i], b[j], schema.nodes.bracket.create(null, doc.slice(b[i], b[j]).content))
  } else if (kind === 3) {
    // State, change or withdraw one's own position after a child.
    const code = who ?? prng.oneOf(gen, ['CHN', 'IND', 'RUS'])
    let own = -1
    c.node.forEach((child, offset) => { if (child.type.name === 'delegation_mark' && child.attrs.delegation === code) own = c.start + offset })
    if (own >= 0 && prng.bool(gen)) tr.delete(own, own + 1)
    else if (own >= 0) tr.setNodeMarkup(own, undefined, { ...doc.nodeAt(own)!.attrs, stance: doc.nodeAt(own)!.attrs.stance === '+' ? '-' : '+' })
    else tr.insert(prng.oneOf(gen, boundaries(c)), schema.nodes.delegation_mark.create({ delegation: code, stance: prng.bool(gen) ? '+' : '-' }))
  } else if (kind === 4) {
    // A note of one's own.
    tr.insert(prng.oneOf(gen, boundaries(c)), schema.nodes.note.create({ delegations: who ?? 'CHAIR', text: 'keep original', form: 'colon' }))
  } else if (kind === 5) {
    // Propose the deletion of some text (anyone's).
    const texts: { pos: number; node: Node }[] = []
    c.node.forEach((child, offset) => { if (child.isText) texts.push({ pos: c.start + offset, node: child }) })
    if (!texts.length) return doc
    const t = prng.oneOf(gen, texts)
    const a = prng.int32(gen, 0, t.node.nodeSize - 1)
    tr.addMark(t.pos + a, t.pos + Math.min(t.node.nodeSize, a + 8), schema.marks.deletion.create())
  } else {
    // Delete one of one's own words again.
    const mine = words.filter((w) => w.startsWith(`w${who ?? 'CHAIR'}`))
    if (!mine.length) return doc
    const w = prng.oneOf(gen, mine)
    doc.descendants((n, p) => {
      if (tr.steps.length || !n.isText) return
      const i = n.text!.indexOf(w)
      if (i >= 0) tr.delete(p + i, p + i + w.length)
    })
  }
  // A paragraph keeps starting with its label (the script finds paragraphs by it).
  let kept = true
  tr.doc.forEach((b, _o, i) => { if (doc.child(i)?.textContent.startsWith(label) && !b.textContent.startsWith(label)) kept = false })
  return kept && tr.doc.childCount === doc.childCount ? tr.doc : doc
}

// The first text node of an element, however deep in brackets.
function firstText(el: Y.XmlElement): Y.XmlText {
  for (const child of el.toArray()) {
    if (child instanceof Y.XmlText && child.length > 2) return child
    if (child instanceof Y.XmlElement) { try { return firstText(child) } catch { /* look further */ } }
  }
  throw new Error('no text')
}

// A forged edit on `c`'s document (a delegation's), each of which the server must refuse.
const FORGERIES: [string, (c: RawClient, gen: prng.PRNG) => void][] = [
  ['a position for another delegation', (c) => c.change((doc) => {
    const m = new Y.XmlElement('delegation_mark')
    m.setAttribute('delegation', 'ISR')
    m.setAttribute('stance', '-')
    const b = block(doc, 'PP2.')
    b.insert(b.length, [m])
  })],
  ['withdrawing another delegation\'s position', (c) => c.change((doc) => {
    const m = elements(doc, 'delegation_mark').find((e) => e.getAttribute('delegation') === 'IRAN')
    if (!m) throw new Error('no IRAN mark left')
    const parent = m.parent as Y.XmlElement
    parent.delete(parent.toArray().indexOf(m), 1)
  })],
  ['deleting words of the imported text', (c) => c.change((doc) => {
    // "Cognizant" (PP2's first word after its label), wherever brackets have put it.
    const find = (el: Y.XmlElement): Y.XmlText | null => {
      for (const child of el.toArray()) {
        if (child instanceof Y.XmlText && plainText(child).includes('Cognizant')) return child
        if (child instanceof Y.XmlElement) { const t = find(child); if (t) return t }
      }
      return null
    }
    const text = find(block(doc, 'PP2.'))!
    text.delete(plainText(text).indexOf('Cognizant'), 'Cognizant'.length)
  })],
  ['an unknown element', (c) => c.change((doc) => { const b = block(doc, 'PP3.'); b.insert(b.length, [new Y.XmlElement('script')]) })],
  ['a note text that is not text', (c) => c.change((doc) => {
    const n = new Y.XmlElement('note')
    n.setAttribute('delegations', 'IND')
    n.setAttribute('text', 7 as never)
    const b = block(doc, 'PP3.')
    b.insert(b.length, [n])
  })],
  ['text after a struct the server never saw', (c, gen) => {
    const ghost = new Y.Doc({ gc: false })
    Y.applyUpdate(ghost, Y.encodeStateAsUpdate(c.doc))
    ghost.clientID = 7_000_000 + prng.uint32(gen, 0, 1000)
    const t = firstText(block(ghost, 'PP2.'))
    t.insert(t.length, 'g')
    const known = Y.encodeStateVector(ghost)
    Y.applyUpdate(c.doc, Y.encodeStateAsUpdate(ghost))
    const u = firstText(block(c.doc, 'PP2.'))
    u.insert(u.length, 'forged')
    c.send(Y.encodeStateAsUpdate(c.doc, known))
  }]
]

async function settle(server: RunningServer, clients: RawClient[]): Promise<void> {
  const live = () => content(server.hub.rooms.get(DOC)!.ydoc)
  try {
    await waitFor(() => clients.every((c) => content(c.doc) === live()), 'every replica equals the server', 15_000)
  } catch (err) {
    // Say why: a refusal (rule and reason) is the likely cause.
    throw new Error(`${(err as Error).message}; refusals: ${JSON.stringify(server.storage.refusals(DOC).map((r) => [r.delegation ?? r.role, r.rule, r.reason]))}; closed: ${JSON.stringify(clients.map((c) => c.closedWith?.code ?? null))}`)
  }
}

async function runSeed(seed: number): Promise<void> {
  const gen = prng.create(seed)
  const server = await start()
  const tokens = { IND: token(server, 'delegation', 'IND'), CHN: token(server, 'delegation', 'CHN'), chair: token(server, 'chair') }
  const peers: Record<'IND' | 'CHN' | 'chair', RawClient> = {
    IND: await RawClient.open(server, tokens.IND),
    CHN: await RawClient.open(server, tokens.CHN),
    chair: await RawClient.open(server, tokens.chair)
  }
  const words: string[] = []
  const paragraphs = ['PP2.', 'PP3.', 'PP4.', 'PP5a.', 'PP5b.', 'PP6.']
  let forged = 0
  for (let round = 0; round < 16; round++) {
    // This round's paragraphs: one each, never the same.
    const order = [...paragraphs].sort(() => prng.real53(gen) - 0.5)
    const offline = prng.oneOf(gen, ['IND', 'CHN', null] as const)
    if (offline) peers[offline].hold()
    for (const [i, who] of (['IND', 'CHN', 'chair'] as const).entries()) {
      const code = who === 'chair' ? null : who
      const edits = prng.int32(gen, 1, 3)
      for (let e = 0; e < edits; e++) peers[who].edit((d) => legitEdit(d, gen, code, order[i], words))
    }
    // The chair locks or reopens the reserved paragraph.
    if (prng.bool(gen)) peers.chair.change((doc) => { const b = block(doc, LOCKABLE); if (b.getAttribute('adref')) b.removeAttribute('adref'); else b.setAttribute('adref', true as never) })
    if (offline) peers[offline].release()
    await settle(server, Object.values(peers))
    expect(server.storage.refusals(DOC), `seed ${seed}, round ${round}: a legitimate edit was refused`).toHaveLength(forged)

    // Now and then a delegation forges something; it is refused and its tab starts again.
    if (round === 0 || prng.int32(gen, 0, 2) === 0) {
      const who = prng.oneOf(gen, ['IND', 'CHN'] as const)
      const [what, forge] = prng.oneOf(gen, FORGERIES)
      const text = podiumText(server.hub.rooms.get(DOC)!.ydoc)
      forge(peers[who], gen)
      expect(await peers[who].closeCode(), `seed ${seed}: ${what} was not refused`).toBe(4409)
      forged++
      expect(server.storage.refusals(DOC)).toHaveLength(forged)
      expect(podiumText(server.hub.rooms.get(DOC)!.ydoc)).toBe(text)
      peers[who] = await RawClient.open(server, tokens[who])
    }
    // A delegation typing into the locked paragraph is refused too.
    if (block(server.hub.rooms.get(DOC)!.ydoc, LOCKABLE).getAttribute('adref') && prng.int32(gen, 0, 3) === 0) {
      const who = prng.oneOf(gen, ['IND', 'CHN'] as const)
      peers[who].change((doc) => { const t = firstText(block(doc, LOCKABLE)); t.insert(t.length, ' locked?') })
      expect(await peers[who].closeCode(), `seed ${seed}: typing in an agreed paragraph was not refused`).toBe(4409)
      forged++
      peers[who] = await RawClient.open(server, tokens[who])
    }
    await settle(server, Object.values(peers))
  }
  for (const p of Object.values(peers)) p.close()
  await server.close()
}

describe('trust rules (property, through the real server)', () => {
  for (const seed of [1, 7, 2022, 281022, 4102022]) {
    it(`seed ${seed}: legitimate scripts are never refused, forgeries always, replicas equal the server`, () => runSeed(seed), 60_000)
  }
})
