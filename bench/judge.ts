// The judge's cost per update, alone: the holder's heaviest work after Yjs itself (a profile of
// bench:cluster's busy server: 22 % of its loop, 13 % reading blocks). 200 typists' edits (the load
// generator's, bench/sync/typist.ts, seeded) are applied one by one to a server-side copy of the
// 60 KB bench document, each judged at the end of its transaction as the room judges it
// (server/sync/judge.ts). Reports the time inside judgeTransaction and in the whole apply, per update,
// median of the rounds. `npm run bench:judge -- --updates 20000 --rounds 5`.

import { parseArgs } from 'node:util'
import * as prng from 'lib0/prng'
import * as Y from 'yjs'
import { DEFAULT_ROSTER } from '../shared/roster.ts'
import { FRAGMENT_NAME, newYDoc } from '../shared/ydoc.ts'
import type { Sender } from '../shared/trust/index.ts'
import { Authors } from '../server/sync/authors.ts'
import { judgeTransaction } from '../server/sync/judge.ts'
import { seedUpdate } from './sync/seed-doc.ts'
import { CODES, findSpots, Typist } from './sync/typist.ts'

const { values } = parseArgs({
  options: {
    updates: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '5' },
    typists: { type: 'string', default: '200' },
    seed: { type: 'string', default: '4102022' }
  }
})
const UPDATES = Number(values.updates)
const ROUNDS = Number(values.rounds)
const TYPISTS = Number(values.typists)
if (!Number.isInteger(UPDATES) || UPDATES < 1) throw new RangeError(`--updates ${values.updates} is not a positive integer`)
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new RangeError(`--rounds ${values.rounds} is not a positive integer`)
if (!Number.isInteger(TYPISTS) || TYPISTS < 1) throw new RangeError(`--typists ${values.typists} is not a positive integer`)

const seed = seedUpdate()

// The same edits every round: typists with seeded choices, in a seeded order.
function edits(): { updates: Uint8Array[]; senders: Sender[]; owners: Map<number, string> } {
  const gen = prng.create(Number(values.seed))
  const rand = () => prng.real53(gen)
  const reader = newYDoc()
  Y.applyUpdate(reader, seed)
  const spots = findSpots(reader)
  const owners = new Map<number, string>()
  const typists = Array.from({ length: TYPISTS }, (_, i) => {
    const code = CODES[i % CODES.length]
    const t = new Typist(1_000 + i, spots, code, rand)
    owners.set(t.client, `delegation:${code}`)
    return t
  })
  for (const c of reader.store.clients.keys()) owners.set(c, 'server')
  reader.destroy()
  const updates: Uint8Array[] = []
  const senders: Sender[] = []
  for (let n = 0; n < UPDATES; n++) {
    const t = typists[prng.uint32(gen, 0, TYPISTS - 1)]
    updates.push(t.next())
    senders.push({ role: 'delegation', delegation: t.code, identity: `delegation:${t.code}` })
  }
  return { updates, senders, owners }
}

function round(): { judgeUs: number; applyUs: number; refused: number } {
  const { updates, senders, owners } = edits()
  const doc = newYDoc()
  Y.applyUpdate(doc, seed)
  const fragment = doc.getXmlFragment(FRAGMENT_NAME)
  const authors = new Authors(owners)
  let sender: Sender = senders[0]
  let judging = 0
  let refused = 0
  doc.on('beforeObserverCalls', (tr: Y.Transaction) => {
    if (tr.origin !== 'client') return
    const t0 = performance.now()
    const j = judgeTransaction(tr, fragment, sender, authors, DEFAULT_ROSTER)
    judging += performance.now() - t0
    if (j.violation) refused++
    for (const p of j.provenance) authors.add(p)
  })
  const t0 = performance.now()
  for (let i = 0; i < updates.length; i++) {
    sender = senders[i]
    Y.applyUpdate(doc, updates[i], 'client')
  }
  const total = performance.now() - t0
  doc.destroy()
  return { judgeUs: (judging * 1000) / updates.length, applyUs: (total * 1000) / updates.length, refused }
}

const results = Array.from({ length: ROUNDS }, round)
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const judgeUs = median(results.map((r) => r.judgeUs))
const applyUs = median(results.map((r) => r.applyUs))
console.log(`node ${process.version}; ${TYPISTS} typists, ${UPDATES} updates, ${ROUNDS} rounds (seed ${values.seed})`)
console.log(`judge: median ${judgeUs.toFixed(1)} µs per update (rounds: ${results.map((r) => r.judgeUs.toFixed(1)).join(', ')})`)
console.log(`apply with the judge: median ${applyUs.toFixed(1)} µs per update (rounds: ${results.map((r) => r.applyUs.toFixed(1)).join(', ')})`)
console.log(`refused: ${results.map((r) => r.refused).join(', ')} (the typists keep the rules: 0 expected)`)
