// The first load of a large document, seen from the sync loop: a server (in this process) holds a
// 50 MB document; a client that holds nothing asks for it, while another client's edit on a small
// document makes its round trip every 20 ms. Prints the loop's longest stall and the round trips.
//   node bin/run-ts.js bench/resilience/first-load.ts [--mb 50] [--runs 3] [--stalls] [--edited]
// (--edited: instead, a text edited word by word by 40 clients, just under 2 MiB: few bytes, many structs.)
// (--stalls lists each turn over 30 ms with its time, to set beside node --trace-gc's lines.)

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { startServer } from '../../server/index.ts'
import { createToken } from '../../server/tokens.ts'
import { serverAttribution } from '../../server/documents.ts'
import { askEverything, editedText, joinInChild, liveEdits, paragraphsUpdate } from '../../tests/server/resilience-helpers.ts'
import { LOAD_OFF_LOOP_BYTES } from '../../server/sync/room-load.ts'

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const MB = arg('mb', 50)
const RUNS = arg('runs', 3)

const state = process.argv.includes('--edited') ? editedText(LOAD_OFF_LOOP_BYTES - 16 * 1024) : paragraphsUpdate(MB * 10, 100_000)
for (let run = 1; run <= RUNS; run++) {
  const dir = mkdtempSync(join(tmpdir(), 'podium-bench-'))
  const server = await startServer({ port: 0, logLevel: 'silent', synchronous: 'normal', dataDir: dir, cob: false })
  server.storage.createDoc('big', 'Large', state, serverAttribution([1]))
  const tok = (role: string, delegation: string | null = null) => createToken(server.storage, { role, delegation }, server.meeting.roster).token
  const edits = await liveEdits(server, undefined, [tok('secretariat'), tok('delegation', 'CHN')])
  await new Promise((r) => setTimeout(r, 500))
  const h = monitorEventLoopDelay({ resolution: 5 })
  h.enable()
  // With --stalls: each turn over 30 ms, at its end (ms since the process started, as --trace-gc counts).
  const stalls: [number, number][] = []
  let last = performance.now()
  const tick = process.argv.includes('--stalls') ? setInterval(() => { const now = performance.now(); if (now - last > 30) stalls.push([Math.round(now), Math.round(now - last)]); last = now }, 1) : null
  const t0 = performance.now()
  // The joiner runs in a process of its own: receiving 50 MB would otherwise stall this loop too.
  const joiner = joinInChild(`ws://127.0.0.1:${server.port}/sync/big?token=${tok('observer')}`, askEverything(), state.byteLength)
  const answerMs = await joiner.answered
  await new Promise((r) => setTimeout(r, 1000))
  h.disable()
  if (tick) clearInterval(tick)
  const rtt = await edits.stop()
  joiner.kill()
  await server.close()
  rmSync(dir, { recursive: true, force: true })
  console.log(JSON.stringify({ run, mb: Math.round(state.byteLength / 1e6), answerMs: Math.round(answerMs), loopMaxMs: Math.round(h.max / 1e6), loopP99Ms: Math.round(h.percentile(99) / 1e6), rtt, ...(tick ? { startedAt: Math.round(t0), stalls } : {}) }))
}
process.exit(0)
