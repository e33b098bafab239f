// The live-session load: N clients on one document, each typing R edits a second into random
// spots for T seconds; fan-out latency measured at each receiver against the sender's clock.

import { monitorEventLoopDelay } from 'node:perf_hooks'
import * as Y from 'yjs'
import { BenchClient } from './client.ts'
import { EditLog } from './edits.ts'
import { cpuSeconds, memory } from './proc.ts'
import type { ServerChild } from './servers.ts'
import { textNodes } from './seed-doc.ts'
import { percentiles, sleep, until } from './stats.ts'
import { FRAGMENT_NAME } from '../../shared/ydoc.ts'

/** Parameters of one fan-out run. */
export interface FanoutParams {
  clients: number
  /** Edits per second per client. */
  rate: number
  /** Measured seconds of typing. */
  seconds: number
  /** Seconds of typing before measuring. */
  warmup: number
  /** Clients that apply every update (the rest apply only their own; see ClientOptions.apply). */
  full: number
}

/** What one fan-out run measured. */
export interface FanoutResult {
  latencyMs: { p50: number; p95: number; p99: number; max: number; n: number }
  editsSent: number
  /** Update frames received by clients, over the whole typing span and drain. */
  delivered: number
  /** Deliveries expected: every edit to every other client. */
  expected: number
  deliveredPerSec: number
  serverCpuSec: number
  serverCpuPer1000: number
  /** Server CPU as a share of one core over the typing span. */
  serverCpuShare: number
  serverPeakRssMB: number
  loadgenCpuShare: number
  loadgenLagMs: { p50: number; p99: number; max: number }
  /** Edits a server sent back to their own sender (the reference does). */
  echoes: number
  converged: boolean
  distinctStates: number
  joinAllMs: number
}

const WORDS = ['shall', 'should', 'reaffirm', 'Member States', 'CICA', 'security', 'cooperation', 'the', 'and', 'of']

// One edit as a delegate makes it: typing, deleting, or bracketing a word.
function randomEdit(doc: Y.Doc, texts: Y.XmlText[], who: number, t: number): void {
  const text = texts[Math.floor(Math.random() * texts.length)]
  const len = text.length
  const r = Math.random()
  if (r < 0.6 || len < 4) {
    const word = WORDS[Math.floor(Math.random() * WORDS.length)]
    text.insert(Math.floor(Math.random() * (len + 1)), Math.random() < 0.5 ? word.slice(0, 1 + Math.floor(Math.random() * 3)) : ` ${word}`)
  } else if (r < 0.85) {
    text.delete(Math.floor(Math.random() * (len - 3)), 1 + Math.floor(Math.random() * 3))
  } else {
    const parent = text.parent
    if (parent instanceof Y.XmlElement || parent instanceof Y.XmlFragment) {
      const bracket = new Y.XmlElement('bracket')
      bracket.insert(0, [new Y.XmlText(WORDS[Math.floor(Math.random() * WORDS.length)])])
      parent.insert(Math.floor(Math.random() * (parent.length + 1)), [bracket])
    }
  }
  // The side channel: who sent it and when, inside the same update.
  doc.getMap('bench').set(String(who), t)
}

/** Runs the fan-out load against `server` and returns its figures. Bounded by count and time. */
export async function runFanout(server: ServerChild, p: FanoutParams): Promise<FanoutResult> {
  const sent = new EditLog()
  const latencies: number[] = []
  let delivered = 0
  let echoes = 0
  let measuring = false
  // Deliveries are counted per edit and receiver; a server's echo of an edit to its own sender is not one.
  const onUpdate = (receiver: number) => (update: Uint8Array, at: number) => {
    for (const e of sent.resolve(update)) {
      if (e.sender === receiver) {
        echoes++
        continue
      }
      delivered++
      e.seen++
      if (e.measured) latencies.push(at - e.t)
    }
  }
  const joinStart = performance.now()
  const clients = Array.from({ length: p.clients }, (_, i) => new BenchClient(server.target('bench', i), { apply: i < p.full ? 'all' : 'own', onUpdate: onUpdate(i) }))
  try {
    if (!await until(() => clients.every((c) => c.synced), 120_000)) throw new Error(`${server.kind}: ${clients.filter((c) => !c.synced).length} clients not synced after 120 s`)
    const joinAllMs = Math.max(...clients.map((c) => c.syncedAt)) - joinStart
    const texts = clients.map((c) => textNodes(c.ydoc!).filter((t) => t.length > 0))
    delivered = 0
    echoes = 0

    const lag = monitorEventLoopDelay({ resolution: 10 })
    lag.enable()
    const cpu0 = cpuSeconds(server.pid)
    const own0 = process.cpuUsage()
    const t0 = performance.now()
    const period = 1000 / p.rate
    const next = clients.map(() => t0 + Math.random() * period)
    const stopAt = t0 + (p.warmup + p.seconds) * 1000
    const maxEdits = Math.ceil(p.clients * p.rate * (p.warmup + p.seconds) * 1.2)
    let editsSent = 0
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const now = performance.now()
        if (!measuring && now >= t0 + p.warmup * 1000) {
          measuring = true
        }
        if (now >= stopAt || editsSent >= maxEdits) {
          clearInterval(timer)
          resolve()
          return
        }
        for (let i = 0; i < clients.length; i++) {
          if (now < next[i]) continue
          // Regular typing with jitter; a late tick does not cause a burst of catch-up edits.
          next[i] = Math.max(next[i] + period * (0.5 + Math.random()), now)
          const t = performance.now()
          const key = clients[i].edit((doc) => randomEdit(doc, texts[i], i, t))
          if (key) {
            sent.add(i, key, t, measuring)
            editsSent++
          }
        }
      }, 5)
    })
    const typedMs = performance.now() - t0
    const expected = editsSent * (p.clients - 1)
    await until(() => delivered >= expected, 15_000)
    const spanMs = performance.now() - t0
    const cpu = cpuSeconds(server.pid) - cpu0
    const own = process.cpuUsage(own0)
    lag.disable()

    // Convergence: the fully applying clients hold the same document, and every edit sent.
    const full = clients.slice(0, p.full)
    for (const c of full) c.catchUp()
    const states = new Set(full.map((c) => c.ydoc!.getXmlFragment(FRAGMENT_NAME).toString() + JSON.stringify(c.ydoc!.getMap('bench').toJSON())))
    const finalClocks = clients.map((c) => [c.ydoc!.clientID, Y.getState(c.ydoc!.store, c.ydoc!.clientID)] as const)
    const complete = full.every((c) => finalClocks.every(([id, clock]) => Y.getState(c.ydoc!.store, id) >= clock))
    return {
      latencyMs: percentiles(latencies),
      editsSent,
      delivered,
      expected,
      deliveredPerSec: delivered / (spanMs / 1000),
      serverCpuSec: cpu,
      serverCpuPer1000: delivered ? (cpu / delivered) * 1000 : NaN,
      serverCpuShare: cpu / (typedMs / 1000),
      serverPeakRssMB: memory(server.pid).peak / 2 ** 20,
      loadgenCpuShare: (own.user + own.system) / 1000 / spanMs,
      loadgenLagMs: { p50: lag.percentile(50) / 1e6, p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 },
      echoes,
      converged: states.size === 1 && complete,
      distinctStates: states.size,
      joinAllMs
    }
  } finally {
    measuring = false
    for (const c of clients) c.close()
    await sleep(200)
  }
}
