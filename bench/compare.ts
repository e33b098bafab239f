// Benchmark: compare two snapshots of a ~50-page podium version (issue 5 aims at under 200 ms).
// Run with `npm run bench:compare`; figures are recorded in docs/benchmarks.md.
import { readFileSync } from 'node:fs'
import { cpus } from 'node:os'
import * as Y from 'yjs'
import * as prng from 'lib0/prng'
import { parsePodium, serializePodium } from '../shared/format/index.ts'
import { compareSnapshots, deleteSetOfUpdate, recordsAttributor, type DeletionRecord } from '../shared/history/index.ts'
import { newYDoc, readDocFromY, updateYFromDoc, writeDocToY } from '../shared/ydoc.ts'
import { randomEdit } from '../tests/helpers/edits.ts'

const seed = readFileSync(new URL('../fixtures/seed.txt', import.meta.url), 'utf8')
// A page of a podium version is about 3,000 characters; the seed is about 13 pages.
const text = Array.from({ length: 4 }, () => seed).join('\n\n')
const pages = Math.round(text.length / 3000)

const server = newYDoc()
writeDocToY(parsePodium(text).doc, server, 'import')
const owners = new Map<number, string>([[server.clientID, 'server']])
const deletions: DeletionRecord[] = []
server.on('update', (u: Uint8Array, origin: unknown) => {
  if (typeof origin === 'string' && origin !== 'import') deletions.push({ identity: origin, ds: deleteSetOfUpdate(u) })
})
const from = Y.snapshot(server)

// A negotiating day: 10 delegations, 300 edits (words, brackets, positions, lifted brackets, deletions).
const gen = prng.create(4102022)
const delegations = ['IND', 'CHN', 'ISR', 'IRAN', 'RUS', 'PAL', 'EGY', 'TUR', 'PAK', 'CHAIR'].map((code, i) => {
  const doc = newYDoc()
  doc.clientID = 1000 + i
  owners.set(doc.clientID, `delegation:${code}`)
  return { code, doc }
})
for (let i = 0; i < 300; i++) {
  const d = delegations[i % delegations.length]
  Y.applyUpdate(d.doc, Y.encodeStateAsUpdate(server, Y.encodeStateVector(d.doc)))
  const sv = Y.encodeStateVector(d.doc)
  updateYFromDoc(d.doc, randomEdit(readDocFromY(d.doc), gen), 'local')
  Y.applyUpdate(server, Y.encodeStateAsUpdate(d.doc, sv), `delegation:${d.code}`)
}
const to = Y.snapshot(server)
const who = recordsAttributor(owners, deletions)

const times: number[] = []
let changes = 0
for (let i = 0; i < 13; i++) {
  const t0 = performance.now()
  const c = compareSnapshots(server, from, to, who)
  const t1 = performance.now()
  changes = c.changes.length
  if (i >= 3) times.push(t1 - t0)
}
times.sort((a, b) => a - b)
console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`)
console.log(`document: ${(text.length / 1024).toFixed(0)} KiB of podium text (≈ ${pages} pages), ${readDocFromY(server).childCount} blocks; 300 edits by 10 delegations; ${changes} changes listed`)
console.log(`compare (redline + changes by paragraph), median of ${times.length}: ${times[Math.floor(times.length / 2)].toFixed(1)} ms (min ${times[0].toFixed(1)}, max ${times[times.length - 1].toFixed(1)})`)
if (serializePodium(readDocFromY(server)).length === 0) throw new Error('empty document')
