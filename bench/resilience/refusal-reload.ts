// What a refused update costs the sync loop on a document just under the size from which documents
// are loaded off the loop (LOAD_OFF_LOOP_BYTES, 2 MiB): the room rebuilds it from storage on the loop
// (Room.reload). A server in this process holds the document in one of three shapes; a hand-made
// client sends an update the rules refuse (text straight in the document), and the loop's longest
// stall around the refusal is printed, with the first load's (the same work) for comparison.
//   node bin/run-ts.js bench/resilience/refusal-reload.ts [--runs 5] [--shape <part of its name>]

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { WebSocket } from 'ws'
import { startServer } from '../../server/index.ts'
import { createToken } from '../../server/tokens.ts'
import { serverAttribution } from '../../server/documents.ts'
import { LOAD_OFF_LOOP_BYTES } from '../../server/sync/room-load.ts'
import type { Room } from '../../server/sync/room.ts'
import { FRAGMENT_NAME } from '../../shared/ydoc.ts'
import { editedText, paragraphsUpdate } from '../../tests/server/resilience-helpers.ts'

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const RUNS = arg('runs', 5)
const LIMIT = LOAD_OFF_LOOP_BYTES - 16 * 1024

function frame(type: number, payload: Uint8Array): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 0)
  encoding.writeVarUint(e, type)
  encoding.writeVarUint8Array(e, payload)
  return encoding.toUint8Array(e)
}

// As many paragraphs of `bytesEach` as fit under the limit.
function fitting(bytesEach: number): Uint8Array {
  let count = Math.floor(LIMIT / (paragraphsUpdate(100, bytesEach).byteLength / 100))
  for (;;) {
    const update = paragraphsUpdate(count, bytesEach)
    if (update.byteLength <= LIMIT) return update
    count = Math.floor(count * 0.98)
  }
}

const shapes: Record<string, () => Uint8Array> = {
  'paragraphs of 100 KB': () => fitting(100_000),
  'paragraphs of 200 B': () => fitting(200),
  'a text edited word by word by 40 clients': () => editedText(LIMIT)
}

const only = process.argv.includes('--shape') ? process.argv[process.argv.indexOf('--shape') + 1] : null
for (const [shape, make] of Object.entries(shapes)) {
  if (only && !shape.includes(only)) continue
  const state = make()
  const structs = Y.decodeUpdate(state).structs.length
  for (let run = 1; run <= RUNS; run++) {
    const dir = mkdtempSync(join(tmpdir(), 'podium-bench-'))
    const server = await startServer({ port: 0, logLevel: 'silent', synchronous: 'normal', dataDir: dir, cob: false })
    server.storage.createDoc('near', 'Near the threshold', state, serverAttribution([1]))
    const tok = (role: string, delegation: string | null = null) => createToken(server.storage, { role, delegation }, server.meeting.roster).token
    // The first load (on the loop: the document is under the threshold), forced by the refused update itself
    // on a first socket, then the reload measured on its own on a second one.
    const refuse = async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/sync/near?token=${tok('delegation', 'CHN')}`)
      ws.on('error', () => {})
      await new Promise((r) => ws.once('open', r))
      const hostile = new Y.Doc({ gc: false })
      Y.applyUpdate(hostile, state)
      const before = Y.encodeStateVector(hostile)
      hostile.getXmlFragment(FRAGMENT_NAME).insert(0, [new Y.XmlText('loose text')])
      const update = Y.encodeStateAsUpdate(hostile, before)
      hostile.destroy()
      await new Promise((r) => setTimeout(r, 200))
      let last = performance.now()
      let gap = 0
      const tick = setInterval(() => { const now = performance.now(); gap = Math.max(gap, now - last); last = now }, 1)
      const t0 = performance.now()
      // Told: the permission-denied message (y-protocols auth) that comes before the close.
      let toldMs = NaN
      ws.on('message', (d: Buffer) => { if (d[0] === 2 && Number.isNaN(toldMs)) toldMs = performance.now() - t0 })
      const code = await new Promise<number>((resolve) => { ws.once('close', resolve); ws.send(frame(2, update)) })
      const closedMs = performance.now() - t0
      await new Promise((r) => setTimeout(r, 200))
      clearInterval(tick)
      return { code, toldMs: Math.round(toldMs), closedMs: Math.round(closedMs), loopMaxMs: Math.round(gap) }
    }
    const first = await refuse()
    // A rebuild off the loop (many structs) finishes before the second refusal is measured.
    const rooms = (server.hub.rooms as unknown as { rooms: Map<string, Room> }).rooms
    for (let waited = 0; rooms.get('near')?.isLoading && waited < 30_000; waited += 20) await new Promise((r) => setTimeout(r, 20))
    const second = await refuse()
    await server.close()
    rmSync(dir, { recursive: true, force: true })
    console.log(JSON.stringify({ shape, run, kb: Math.round(state.byteLength / 1024), structs, loadAndRefusal: first, refusal: second }))
  }
}
process.exit(0)
