// Helpers of the resilience tests (issue 12): a live edit's round trip measured while an attack
// runs, hostile files generated on the fly (never committed), and resident memory.

import { expect } from 'vitest'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as zlib from 'node:zlib'
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks'
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import type { RunningServer } from '../../server/index.ts'
import { FRAGMENT_NAME } from '../../shared/ydoc.ts'
import { connect, destroyAll, DOC, synced, token } from './helpers.ts'

/** Round-trip figures in ms. */
export interface RoundTrips {
  samples: number
  p50: number
  p90: number
  p95: number
  p99: number
  /** The second-worst sample: the worst once one outlier (a collection, a descheduled turn) is set aside. */
  nextToWorst: number
  max: number
}

/**
 * The bounds the tests assert. The issue asks for a live edit's round trip under 100 ms while each
 * attack runs: 19 in 20 round trips must be under RTT_MS, measured over real sockets through the whole
 * attack. These tests run in a vitest project of their own, after the rest of the suite and one file
 * at a time (vite.config.ts), so no other test shares the machine's cores with them; no allowance is
 * made for a loaded machine (run them alone, under the benchmark lock). The worst sample is bounded
 * per test (RTT_WORST_MS, RTT_WORST_LARGE_MS): on a quiet machine the worst turns are V8 collections
 * and the attack's own work reaching the loop (figures per attack in docs/benchmarks.md,
 * "Resilience"). Before this work the same attacks held every edit for seconds to minutes. Each test
 * prints its figures (median, 90th, 95th and 99th percentiles, worst).
 */
export const RTT_MS = 100
/**
 * The second-worst round trip allowed while an attack runs: about twice the worst seen since the last
 * long turns were removed — 5–72 ms over the attacks in four runs of this project and a full CI run on
 * the machine of 2026-12-01's day (14–330 ms before), up to 174 ms on that evening's machine, about
 * twice as slow in every benchmark. One sample is set aside (see RTT_STALL_MS): a single V8
 * collection or descheduled turn on a shared machine reached 166–254 ms in CI runs whose p95 was 8–12 ms.
 */
export const RTT_WORST_MS = 300
/**
 * The second-worst allowed while a 50 MB document is loaded, compared, exported and snapshotted at once:
 * about twice the worst seen (25–62 ms in 14 runs since a large snapshot is written to SQLite in pieces,
 * 70–72 ms on the slower machine of 2026-12-01's evening; 183–532 ms before, a live append waiting for
 * the write lock while the ~100 MB snapshot committed, in several samples), tighter than RTT_WORST_MS. Its longest turns now are the first load's (see
 * docs/benchmarks.md, "Resilience").
 */
export const RTT_WORST_LARGE_MS = 150
/**
 * The one worst sample allowed: a stall. Before this work every attack held the loop for seconds to
 * minutes; a single sample above RTT_WORST_MS but under a second is a collection on a loaded machine.
 */
export const RTT_STALL_MS = 1000

/**
 * Asserts the bounds of a live measurement: 19 in 20 under RTT_MS (the figure), all but the
 * worst under `worst`, the worst under RTT_STALL_MS.
 */
export function expectLive(rt: RoundTrips, worst: number, what = 'round trip'): void {
  expect(rt.p95, `${what} p95`).toBeLessThan(RTT_MS)
  expect(rt.nextToWorst, `${what} second-worst`).toBeLessThan(worst)
  expect(rt.max, `${what} worst`).toBeLessThan(RTT_STALL_MS)
}

function stats(xs: number[]): RoundTrips {
  const s = [...xs].sort((a, b) => a - b)
  const at = (q: number) => Math.round(s[Math.min(s.length - 1, Math.floor(s.length * q))] ?? NaN)
  return { samples: s.length, p50: at(0.5), p90: at(0.9), p95: at(0.95), p99: at(0.99), nextToWorst: Math.round(s.at(-2) ?? s.at(-1) ?? NaN), max: Math.round(s.at(-1) ?? NaN) }
}

/**
 * Starts measuring a live edit's round trip on `doc`: the secretariat adds a paragraph every ~50 ms
 * and the time until a delegation's client holds it is recorded. `stop()` returns the figures.
 */
export async function liveEdits(server: RunningServer | { port: number }, doc = DOC, tokens?: [string, string]): Promise<{ stop(): Promise<RoundTrips> }> {
  const [ta, tb] = tokens ?? [token(server as RunningServer, 'secretariat'), token(server as RunningServer, 'delegation', 'CHN')]
  const a = connect(server as RunningServer, ta, doc)
  const b = connect(server as RunningServer, tb, doc)
  await Promise.all([synced(a), synced(b)])
  const fragment = b.doc.getXmlFragment(FRAGMENT_NAME)
  const samples: number[] = []
  let stopped = false
  const loop = (async () => {
    for (let i = 0; !stopped; i++) {
      const marker = `probe${i}x${Math.random().toString(36).slice(2, 10)}`
      const arrived = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`live edit ${i} did not arrive within 20 s`)), 20_000)
        // The probe is found by its id near the end (other writers may append after it), never by reading texts.
        const check = () => {
          for (let k = fragment.length - 1; k >= Math.max(0, fragment.length - 500); k--) {
            const el = fragment.get(k)
            if (el instanceof Y.XmlElement && el.getAttribute('id') === marker) {
              clearTimeout(timer)
              b.doc.off('update', check)
              resolve()
              return
            }
          }
        }
        b.doc.on('update', check)
      })
      const t0 = performance.now()
      const p = new Y.XmlElement('paragraph')
      p.setAttribute('id', marker)
      p.insert(0, [new Y.XmlText(`probe ${i}`)])
      a.doc.getXmlFragment(FRAGMENT_NAME).push([p])
      await arrived
      samples.push(performance.now() - t0)
      await new Promise((r) => setTimeout(r, 50))
    }
  })()
  return {
    async stop() {
      stopped = true
      await loop
      destroyAll(a, b)
      return stats(samples)
    }
  }
}

/** Milliseconds /healthz takes to answer, at most (polled every 100 ms until stop). */
export function healthLatency(server: { url: string }): { stop(): Promise<RoundTrips> } {
  const samples: number[] = []
  let stopped = false
  const loop = (async () => {
    while (!stopped) {
      const t0 = performance.now()
      const res = await fetch(server.url + '/healthz')
      await res.arrayBuffer()
      samples.push(performance.now() - t0)
      await new Promise((r) => setTimeout(r, 100))
    }
  })()
  return { async stop() { stopped = true; await loop; return stats(samples) } }
}

/**
 * The event loop's longest stall (ms) between start and stop: the sync loop itself, without the network.
 * With PODIUM_STALLS=1 in the environment, stop() also prints every turn over 40 ms with the time it
 * ended (ms since the process started, as node --trace-gc counts), to set beside a GC trace or profile.
 */
export function loopStall(): { stop(): number } {
  const h = monitorEventLoopDelay({ resolution: 10 })
  h.enable()
  const stalls: [number, number][] = []
  // With PODIUM_STALLS, V8's collections of 10 ms or more too (a fork of vitest does not show --trace-gc's lines).
  const collections: [number, number, string][] = []
  const kinds: Record<number, string> = { [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major', [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor', [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental', [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb' }
  const gc = process.env.PODIUM_STALLS ? new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.duration >= 10) collections.push([Math.round(e.startTime + e.duration), Math.round(e.duration), kinds[(e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? -1] ?? '?'])
    }
  }) : null
  gc?.observe({ entryTypes: ['gc'] })
  const started = performance.now()
  let last = started
  const tick = process.env.PODIUM_STALLS ? setInterval(() => {
    const now = performance.now()
    if (now - last > 40) stalls.push([Math.round(now), Math.round(now - last)])
    last = now
  }, 2) : null
  return {
    stop() {
      h.disable()
      gc?.disconnect()
      if (tick) {
        clearInterval(tick)
        console.log(`turns over 40 ms since ${Math.round(started)} [ended at, lasted]`, JSON.stringify(stalls))
        console.log('collections of 10 ms or more [ended at, lasted, kind]', JSON.stringify(collections))
      }
      return Math.round(h.max / 1e6)
    }
  }
}

/**
 * A client in a process of its own that connects to `url`, sends `ask` and resolves `answered` with
 * the ms until a message over `minBytes` arrived. Receiving a message of 50 MB costs the receiving
 * process's loop some 0.3 s (ws gathers its frames into one buffer): in a test, whose server shares
 * this process's loop, that stall would be the client's, not the server's.
 */
export function joinInChild(url: string, ask: Uint8Array, minBytes: number): { answered: Promise<number>; kill(): void } {
  const ws = createRequire(import.meta.url).resolve('ws')
  const script = `const WebSocket = require(${JSON.stringify(ws)}); const [url, ask, size] = process.argv.slice(1);
const ws = new WebSocket(url); ws.on('open', () => ws.send(Buffer.from(ask, 'base64')));
ws.on('message', (d) => { if (d.length > Number(size)) process.stdout.write('answered\\n') })`
  const t0 = performance.now()
  const child = spawn(process.execPath, ['-e', script, url, Buffer.from(ask).toString('base64'), String(minBytes)], { stdio: ['ignore', 'pipe', 'inherit'] })
  const answered = new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', () => resolve(Math.round(performance.now() - t0)))
    child.once('exit', (code) => reject(new Error(`the joiner exited (${code}) before its answer`)))
  })
  return { answered, kill: () => { child.kill() } }
}

/** Resident memory of this process (server, clients and workers), in MB. */
export function rssMb(): number {
  return Math.round(process.memoryUsage.rss() / 1024 / 1024)
}

const DOCUMENT_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
const CONTENT_TYPES = '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'

// One zip entry, deflated: a part repeated `times` times costs one deflate of the part (zlib's full
// flush resets the window, so each repetition compresses to the same bytes), whatever it inflates to.
interface Entry { name: string; head?: string; body: Buffer; times: number; tail?: string }

function deflateEntry(e: Entry): { data: Buffer; crc: number; size: number } {
  const parts: Buffer[] = []
  let crc = 0
  let size = 0
  const add = (buf: Buffer, repeat = 1) => {
    if (buf.length === 0) return
    const deflater = zlib.deflateRawSync(buf, { level: 9, finishFlush: zlib.constants.Z_FULL_FLUSH })
    for (let i = 0; i < repeat; i++) {
      parts.push(deflater)
      crc = zlib.crc32(buf, crc)
      size += buf.length
    }
  }
  add(Buffer.from(e.head ?? ''))
  add(e.body, e.times)
  add(Buffer.from(e.tail ?? ''))
  // The final (empty, fixed-Huffman) block.
  parts.push(Buffer.from([0x03, 0x00]))
  return { data: Buffer.concat(parts), crc: crc >>> 0, size }
}

/** A zip of `entries` (deflated); `claim` overrides the uncompressed size written in the headers. */
export function makeZip(entries: Entry[], claim: Record<string, number> = {}): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const e of entries) {
    const { data, crc, size } = deflateEntry(e)
    const name = Buffer.from(e.name)
    const stated = claim[e.name] ?? size
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(0, 6); local.writeUInt16LE(8, 8)
    local.writeUInt32LE(0, 10); local.writeUInt32LE(crc, 14); local.writeUInt32LE(data.length, 18); local.writeUInt32LE(stated, 22)
    local.writeUInt16LE(name.length, 26); local.writeUInt16LE(0, 28)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt16LE(0, 8); central.writeUInt16LE(8, 10)
    central.writeUInt32LE(0, 12); central.writeUInt32LE(crc, 16); central.writeUInt32LE(data.length, 20); central.writeUInt32LE(stated, 24)
    central.writeUInt16LE(name.length, 28); central.writeUInt32LE(offset, 42)
    locals.push(local, name, data)
    centrals.push(central, name)
    offset += local.length + name.length + data.length
  }
  const cd = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(entries.length, 8); end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, cd, end])
}

const PARA = '<w:p><w:r><w:t>OP1. The parties [agree] (+IND) to cooperate.</w:t></w:r></w:p>'
const STYLE = '<w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'

/**
 * A DOCX whose part `inflated` inflates to about `mb` megabytes of repeated XML (a zip bomb); the
 * other parts are small and valid. Built in milliseconds, never holding the inflated bytes.
 */
export function bombDocx(inflated: 'word/document.xml' | 'word/styles.xml', mb: number, claim: Record<string, number> = {}): Buffer {
  const block = (unit: string) => Buffer.from(unit.repeat(Math.ceil((1024 * 1024) / unit.length)))
  const big = (name: string, unit: string, head: string, tail: string): Entry => ({ name, head, body: block(unit), times: mb, tail })
  const doc: Entry = inflated === 'word/document.xml'
    ? big('word/document.xml', PARA, DOCUMENT_XML_HEAD, '</w:body></w:document>')
    : { name: 'word/document.xml', body: Buffer.from(DOCUMENT_XML_HEAD + '<w:p><w:r><w:t>PP1. Short.</w:t></w:r></w:p></w:body></w:document>'), times: 1 }
  const entries: Entry[] = [{ name: '[Content_Types].xml', body: Buffer.from(CONTENT_TYPES), times: 1 }, doc]
  if (inflated === 'word/styles.xml') entries.push(big('word/styles.xml', STYLE, '<?xml version="1.0"?><w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">', '</w:styles>'))
  return makeZip(entries, claim)
}

/** A DOCX whose size fields say document.xml is `claimed` bytes while it inflates to `realMb` megabytes. */
export function lyingDocx(realMb: number, claimed = 1000): Buffer {
  return bombDocx('word/document.xml', realMb, { 'word/document.xml': claimed })
}

/** An update adding one paragraph of `bytes` characters, written under a fresh client (for building large documents fast). */
export function paragraphsUpdate(count: number, bytesEach: number): Uint8Array {
  const ydoc = new Y.Doc({ gc: false })
  const fragment = ydoc.getXmlFragment(FRAGMENT_NAME)
  const text = 'All parties reaffirm [their commitment] to the principles of the Charter. '.repeat(Math.ceil(bytesEach / 75)).slice(0, bytesEach)
  ydoc.transact(() => {
    for (let i = 0; i < count; i++) {
      const p = new Y.XmlElement('paragraph')
      p.setAttribute('id', `big${i}`)
      p.insert(0, [new Y.XmlText(`OP${i + 1}. ${text}`)])
      fragment.push([p])
    }
  })
  const update = Y.encodeStateAsUpdate(ydoc)
  ydoc.destroy()
  return update
}

/**
 * A text worked on for days, just over `limitBytes` stored: paragraphs edited a few words at a time by
 * 40 clients (insertions and deletions all over), so that its bytes hold as many separate structs as
 * such a text can (2 MB: some 137,000). Deterministic; about 30 s at 2 MB on the 2-core machine.
 */
export function editedText(limitBytes: number): Uint8Array {
  const doc = new Y.Doc({ gc: false })
  const fragment = doc.getXmlFragment(FRAGMENT_NAME)
  // 500 short paragraphs rather than 200 long ones: the same structs per byte, each edit finding its
  // place in a shorter text (200 × 400 B took 118 s here, 500 × 160 B 27 s).
  Y.applyUpdate(doc, paragraphsUpdate(500, 160))
  let seed = 12345
  const rand = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n }
  const words = ['[shall]', 'should', '(+IND)', 'the Parties', 'reaffirm', 'and', 'urges', 'Notes with concern']
  // The size is measured (an encoding of the whole text) every 20 rounds near the limit only: further
  // off, the next measurement is put halfway to where the growth so far reaches the limit.
  let next = 0
  let last = { round: 0, bytes: 0 }
  for (let round = 0; ; round++) {
    doc.clientID = 1000 + (round % 40)
    doc.transact(() => {
      for (let k = 0; k < 50; k++) {
        const text = (fragment.get(rand(fragment.length)) as Y.XmlElement).get(0) as Y.XmlText
        const at = rand(text.length + 1)
        if (rand(4) === 0 && text.length > 20) text.delete(Math.min(at, text.length - 10), 1 + rand(8))
        else text.insert(at, words[rand(words.length)] + ' ')
      }
    })
    if (round % 20 !== 0 || round < next) continue
    const bytes = Y.encodeStateAsUpdate(doc).byteLength
    if (bytes > limitBytes) break
    const perRound = round > last.round ? (bytes - last.bytes) / (round - last.round) : 0
    if (perRound > 0) next = round + Math.floor((limitBytes - bytes) / perRound / 2 / 20) * 20
    last = { round, bytes }
  }
  const out = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return out
}

/** A y-websocket sync step 1 from a client that holds nothing: "send me everything". */
export function askEverything(): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 0)
  encoding.writeVarUint(e, 0)
  encoding.writeVarUint8Array(e, new Uint8Array([0]))
  return encoding.toUint8Array(e)
}

/** A hand-made sync-update frame adding one paragraph `id` holding `text`, written by a fresh Yjs client. */
export function paragraphFrame(id: string, text: string): Uint8Array {
  const ydoc = new Y.Doc({ gc: false })
  const p = new Y.XmlElement('paragraph')
  p.setAttribute('id', id)
  p.insert(0, [new Y.XmlText(text)])
  ydoc.getXmlFragment(FRAGMENT_NAME).push([p])
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 0)
  encoding.writeVarUint(e, 2)
  encoding.writeVarUint8Array(e, Y.encodeStateAsUpdate(ydoc))
  return encoding.toUint8Array(e)
}
