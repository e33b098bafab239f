// The live-session load: N clients on one document, each typing R edits a second into random
// spots for T seconds; fan-out latency measured at each receiver against the sender's clock.

import { performance } from 'node:perf_hooks'
import * as Y from 'yjs'
import { BenchClient } from './client.ts'
import { EditLog } from './edits.ts'
import { cpuSeconds, memory } from './proc.ts'
import type { ServerChild } from './servers.ts'
import { textNodes } from './seed-doc.ts'
import { CODES, findSpots, MARKER, randomClientId, Typist, WORDS, type Spots } from './typist.ts'
import { percentiles, quantile, sleep, until } from './stats.ts'
import { overlapsPause, PauseTracer, type PauseReport } from './pauses.ts'
import { FRAGMENT_NAME, newYDoc } from '../../shared/ydoc.ts'

/** Parameters of one fan-out run. */
export interface FanoutParams {
  clients: number
  /** Edits per second per client. */
  rate: number
  /** Measured seconds of typing. */
  seconds: number
  /** Seconds of typing before measuring. */
  warmup: number
  /** Clients that apply every update, as editors; the rest type with a Typist and keep no document. */
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
  /** GC pauses and event-loop delay of the load generator and of the server over the typing span. */
  loadgenPauses: Omit<PauseReport, 'gcPauses' | 'stalls'>
  serverPauses: Omit<PauseReport, 'gcPauses' | 'stalls'>
  /**
   * Of the deliveries at or above the p99, the share whose span (edit → seen) overlaps a GC pause
   * of ≥ 2 ms in the load generator, in the server, or in either.
   */
  tailInGc: { loadgen: number; server: number; either: number; n: number }
  /** Edits a server sent back to their own sender (the reference does). */
  echoes: number
  /** Clients whose socket the server closed during the run (Podium closes a refused writer with 4409): should be 0. */
  closedSockets: number
  converged: boolean
  /** Clients whose fresh copy of the document from the server, at the end, held every edit and matched the editors'. */
  resynced: number
  distinctStates: number
  joinAllMs: number
}


// Where a character of the initial text is now: its text node and index, or null once deleted.
function seedChar(doc: Y.Doc, client: number, clock: number): { text: Y.XmlText; index: number } | null {
  const item = Y.getItem(doc.store, Y.createID(client, clock)) as Y.Item
  if (item.deleted) return null
  const at = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON({ item: { client, clock } }), doc)
  return at && at.type instanceof Y.XmlText ? { text: at.type, index: at.index } : null
}

/**
 * One edit as the pen makes it (the editors hold secretariat and chair tokens on Podium, so they may
 * delete others' words and state any delegation's position): typing (55 %: a word before a space of
 * the initial text, or letters into one of its words), deleting 1–3 letters of a word of the initial
 * text (25 %), bracketing a word (10 %) or stating a position (10 %), as a Typist does, and one marker
 * character in the editor's own paragraph. Spaces are never deleted and letters never typed into a
 * typist's own words, so each typist's words stay whole words of its own, which it may delete.
 */
export function randomEdit(doc: Y.Doc, texts: Y.XmlText[], spots: Spots, marker: Y.XmlText): void {
  const r = Math.random()
  const text = texts[Math.floor(Math.random() * texts.length)]
  const parent = text.parent
  const inline = parent instanceof Y.XmlElement ? parent : null
  const spot = (xs: Float64Array) => 2 * Math.floor(Math.random() * (xs.length / 2))
  if (r < 0.8 || !inline) {
    // Typing and deleting go to spots of the initial text (as a Typist's do); a deleted spot is passed over.
    if (r < 0.55 || r >= 0.8) {
      const word = WORDS[Math.floor(Math.random() * WORDS.length)]
      const own = Math.random() >= 0.5
      const xs = own ? spots.wordEnds : spots.inWords
      const k = spot(xs)
      // Before the character after the spot: the space (a word of its own) or the next letter.
      const at = seedChar(doc, xs[k], xs[k + 1] + 1)
      if (at) at.text.insert(at.index, own ? ` ${word}` : word.slice(0, 1 + Math.floor(Math.random() * 3)))
    } else {
      // Up to three letters of the initial text in a row, each followed by a letter (so no space goes).
      const xs = spots.inWords
      const first = spot(xs)
      const n = 1 + Math.floor(Math.random() * 3)
      for (let k = first; k > first - 2 * n && k >= 0; k -= 2) {
        if (k < first && !(xs[k] === xs[k + 2] && xs[k + 1] === xs[k + 3] - 1)) break
        const at = seedChar(doc, xs[k], xs[k + 1])
        if (at) at.text.delete(at.index, 1)
      }
    }
  } else if (r < 0.9) {
    const bracket = new Y.XmlElement('bracket')
    bracket.insert(0, [new Y.XmlText(WORDS[Math.floor(Math.random() * WORDS.length)])])
    inline.insert(Math.floor(Math.random() * (inline.length + 1)), [bracket])
  } else {
    const mark = new Y.XmlElement('delegation_mark')
    mark.setAttribute('delegation', CODES[Math.floor(Math.random() * CODES.length)])
    mark.setAttribute('stance', Math.random() < 0.7 ? '+' : '-')
    inline.insert(Math.floor(Math.random() * (inline.length + 1)), [mark])
  }
  // The marker, inside the same update (it replaced a `bench` Y.Map entry, which Podium refuses).
  marker.insert(marker.length, MARKER)
}

// An editor's own paragraph at the end of the document, for its markers (see typist.ts).
export function markerParagraph(doc: Y.Doc): Y.XmlText {
  const p = new Y.XmlElement('paragraph')
  const t = new Y.XmlText()
  p.insert(0, [t])
  doc.getXmlFragment(FRAGMENT_NAME).push([p])
  return t
}

/** Runs the fan-out load against `server` and returns its figures. Bounded by count and time. */
export async function runFanout(server: ServerChild, p: FanoutParams): Promise<FanoutResult> {
  const sent = new EditLog()
  // Preallocated: growing arrays of a million samples made the load generator's own major GCs.
  const capacity = Math.ceil(p.clients * p.rate * (p.warmup + p.seconds) * 1.2) * (p.clients - 1)
  const latencies = new Float64Array(capacity)
  // Edit and arrival times of every measured delivery (performance.now()), for the tail analysis.
  const spans = new Float64Array(2 * capacity)
  let samples = 0
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
      if (e.measured && samples < capacity) {
        latencies[samples] = at - e.t
        spans[2 * samples] = e.t
        spans[2 * samples + 1] = at
        samples++
      }
    }
  }
  const joinStart = performance.now()
  const clients = Array.from({ length: p.clients }, (_, i) => new BenchClient(server.target('bench', i, i < p.full), { apply: i < p.full ? 'all' : 'none', onUpdate: onUpdate(i) }))
  try {
    if (!await until(() => clients.every((c) => c.synced), 120_000)) throw new Error(`${server.kind}: ${clients.filter((c) => !c.synced).length} clients not synced after 120 s`)
    const joinAllMs = Math.max(...clients.map((c) => c.syncedAt)) - joinStart
    const texts = clients.map((c) => (c.ydoc ? textNodes(c.ydoc).filter((t) => t.length > 0) : []))
    const spots = findSpots(clients[0].ydoc!)
    const typists = clients.map((c, i) => (c.ydoc ? null : new Typist(randomClientId(), spots, c.target.delegation ?? CODES[i % CODES.length])))
    const markers: (Y.XmlText | null)[] = clients.map(() => null)
    delivered = 0
    echoes = 0

    const tracer = new PauseTracer()
    server.resetPauses()
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
          const typist = typists[i]
          const t = performance.now()
          const key = typist ? clients[i].sendUpdate(typist.next()) : clients[i].edit((doc) => randomEdit(doc, texts[i], spots, markers[i] ??= markerParagraph(doc)))
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
    const loadgenPauses = tracer.read()
    tracer.stop()
    const serverPauses = await server.pauses()
    const measured = latencies.subarray(0, samples)
    const tailInGc = tailAnalysis(measured, spans, loadgenPauses, serverPauses)

    // Convergence: the editors hold the same document with every edit sent, and so does what the
    // server answers each of the clients when it asks for the whole document again.
    const closedSockets = clients.filter((c) => c.closed).length
    const full = clients.slice(0, p.full)
    // Every client's marker paragraph is part of the text, so the text alone is compared.
    const contentOf = (d: Y.Doc) => d.getXmlFragment(FRAGMENT_NAME).toString()
    const states = new Set(full.map((c) => contentOf(c.ydoc!)))
    const finalClocks = clients.map((c, i) => (typists[i] ? typists[i].state : [c.ydoc!.clientID, Y.getState(c.ydoc!.store, c.ydoc!.clientID)] as const))
    const complete = full.every((c) => finalClocks.every(([id, clock]) => Y.getState(c.ydoc!.store, id) >= clock))
    const resync = await checkResync(clients, finalClocks, contentOf(full[0].ydoc!), contentOf)
    return {
      latencyMs: percentiles(measured),
      editsSent,
      delivered,
      expected,
      deliveredPerSec: delivered / (spanMs / 1000),
      serverCpuSec: cpu,
      serverCpuPer1000: delivered ? (cpu / delivered) * 1000 : NaN,
      serverCpuShare: cpu / (typedMs / 1000),
      serverPeakRssMB: memory(server.pid).peak / 2 ** 20,
      loadgenCpuShare: (own.user + own.system) / 1000 / spanMs,
      loadgenLagMs: { p50: loadgenPauses.lagP50Ms, p99: loadgenPauses.lagP99Ms, max: loadgenPauses.lagMaxMs },
      loadgenPauses: withoutList(loadgenPauses),
      serverPauses: withoutList(serverPauses),
      tailInGc,
      echoes,
      closedSockets,
      converged: states.size === 1 && complete && resync === clients.length,
      resynced: resync,
      distinctStates: states.size,
      joinAllMs
    }
  } finally {
    measuring = false
    for (const c of clients) c.close()
    await sleep(200)
  }
}

// Asks every client's server connection for the whole document, one client at a time (bounded by
// count and a timeout each); identical answers are decoded once.
async function checkResync(clients: BenchClient[], finalClocks: (readonly [number, number])[], expected: string, contentOf: (d: Y.Doc) => string): Promise<number> {
  const good: Uint8Array[] = []
  let ok = 0
  for (const c of clients) {
    const state = await c.resync(10_000)
    if (!state) continue
    if (good.some((g) => Buffer.compare(g, state) === 0)) {
      ok++
      continue
    }
    const sv = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(state))
    if (!finalClocks.every(([id, clock]) => (sv.get(id) ?? 0) >= clock)) continue
    const d = newYDoc()
    Y.applyUpdate(d, state)
    const same = contentOf(d) === expected
    d.destroy()
    if (!same) continue
    good.push(state)
    ok++
  }
  return ok
}

const withoutList = ({ gcPauses: _, stalls: __, ...rest }: PauseReport) => rest

// Which slow deliveries a GC pause on either side stood in the way of.
function tailAnalysis(latencies: Float64Array, spans: Float64Array, loadgen: PauseReport, server: PauseReport): FanoutResult['tailInGc'] {
  const threshold = quantile(latencies.slice().sort(), 0.99)
  const origin = performance.timeOrigin
  let n = 0
  let inLoadgen = 0
  let inServer = 0
  let either = 0
  for (let i = 0; i < latencies.length; i++) {
    if (!(latencies[i] >= threshold)) continue
    n++
    const from = origin + spans[2 * i]
    const to = origin + spans[2 * i + 1]
    const l = overlapsPause(loadgen.gcPauses, from, to)
    const s = overlapsPause(server.gcPauses, from, to)
    if (l) inLoadgen++
    if (s) inServer++
    if (l || s) either++
  }
  return { loadgen: n ? inLoadgen / n : 0, server: n ? inServer / n : 0, either: n ? either / n : 0, n }
}
