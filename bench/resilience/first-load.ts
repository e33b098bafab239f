// The first load of a large document, seen from the sync loop: a server (in this process) holds a
// 50 MB document; a client that holds nothing asks for it, while another client's edit on a small
// document makes its round trip every 20 ms. Prints the loop's longest stall and the round trips.
//   node bin/run-ts.js bench/resilience/first-load.ts [--mb 50] [--runs 3]

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import * as encoding from 'lib0/encoding'
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { startServer } from '../../server/index.ts'
import { createToken } from '../../server/tokens.ts'
import { serverAttribution } from '../../server/documents.ts'
import { liveEdits, paragraphsUpdate } from '../../tests/server/resilience-helpers.ts'

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const MB = arg('mb', 50)
const RUNS = arg('runs', 3)

function askEverything(): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 0)
  encoding.writeVarUint(e, 0)
  encoding.writeVarUint8Array(e, new Uint8Array([0]))
  return encoding.toUint8Array(e)
}

// The joiner: connects, asks for everything, prints one line when the whole answer has arrived.
const WS = createRequire(import.meta.url).resolve('ws')
const JOINER = `const WebSocket = require(${JSON.stringify(WS)}); const [url, ask, size] = process.argv.slice(1);
const ws = new WebSocket(url); ws.on('open', () => ws.send(Buffer.from(ask, 'base64')));
ws.on('message', (d) => { if (d.length > Number(size)) process.stdout.write('answered\\n') })`

const state = paragraphsUpdate(MB * 10, 100_000)
for (let run = 1; run <= RUNS; run++) {
  const dir = mkdtempSync(join(tmpdir(), 'podium-bench-'))
  const server = await startServer({ port: 0, logLevel: 'silent', synchronous: 'normal', dataDir: dir, cob: false })
  server.storage.createDoc('big', 'Large', state, serverAttribution([1]))
  const tok = (role: string, delegation: string | null = null) => createToken(server.storage, { role, delegation }, server.meeting.roster).token
  const edits = await liveEdits(server, undefined, [tok('secretariat'), tok('delegation', 'CHN')])
  await new Promise((r) => setTimeout(r, 500))
  const h = monitorEventLoopDelay({ resolution: 5 })
  h.enable()
  const t0 = performance.now()
  // The joiner runs in a process of its own: receiving 50 MB would otherwise stall this loop too.
  const joiner = spawn(process.execPath, ['-e', JOINER, `ws://127.0.0.1:${server.port}/sync/big?token=${tok('observer')}`, Buffer.from(askEverything()).toString('base64'), String(state.byteLength)], { stdio: ['ignore', 'pipe', 'inherit'] })
  const answerMs = await new Promise<number>((resolve) => joiner.stdout!.once('data', () => resolve(performance.now() - t0)))
  await new Promise((r) => setTimeout(r, 1000))
  h.disable()
  const rtt = await edits.stop()
  joiner.kill()
  await server.close()
  rmSync(dir, { recursive: true, force: true })
  console.log(JSON.stringify({ run, mb: Math.round(state.byteLength / 1e6), answerMs: Math.round(answerMs), loopMaxMs: Math.round(h.max / 1e6), loopP99Ms: Math.round(h.percentile(99) / 1e6), rtt }))
}
process.exit(0)
