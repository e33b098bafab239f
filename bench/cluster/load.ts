// The cluster load on one arm: W writers on document `bench` (typists and a few pen editors, as in
// bench/sync/fanout.ts), and a pen on document `screen` followed by O read-only observers (the
// podium screen). Every participant reconnects when its server dies. Latency is measured at each
// receiver against the sender's clock (one process, one clock). Phases: warm-up, measured typing,
// drain; then, on an arm with several servers, typing again while the server authoritative for
// `bench` is killed with SIGKILL; then the checks that nothing acknowledged was lost.

import { performance, monitorEventLoopDelay } from 'node:perf_hooks'
import * as Y from 'yjs'
import { EditLog, type SentEdit } from '../sync/edits.ts'
import { markerParagraph, randomEdit } from '../sync/fanout.ts'
import { cpuSeconds } from '../sync/proc.ts'
import { textNodes } from '../sync/seed-doc.ts'
import { percentiles, sleep, until } from '../sync/stats.ts'
import { CODES, findSpots, randomClientId, Typist, type Spots } from '../sync/typist.ts'
import type { Arm } from './arms.ts'
import { Participant } from './participant.ts'
import { serviceCpu, serviceCpuSince } from './services.ts'
import { docOf, missingIn, served, textOf, type Expected } from './verify.ts'
import { scrapeHistograms, type ServerHistograms } from './scrape.ts'

/** Parameters of one arm's run. */
export interface LoadParams {
  writers: number
  /** Edits per second per writer. */
  rate: number
  /** Writers that are pen editors with a Y.Doc (the rest are typists). */
  editors: number
  observers: number
  /** Edits per second of the pen on `screen`. */
  penRate: number
  seconds: number
  warmup: number
  /** Seconds of typing in the failover phase (0: none); the kill comes `killAfter` seconds into it. */
  failoverSeconds: number
  killAfter: number
}

type Lat = ReturnType<typeof percentiles>

/** What one arm's run measured. */
export interface ArmResult {
  arm: string
  servers: number
  writers: { latencyMs: Lat; editsSent: number; delivered: number; expected: number }
  observers: { latencyMs: Lat; penEdits: number; delivered: number; expected: number }
  deliveredPerSec: number
  /** CPU seconds over the measured span: the arm's processes (servers, HAProxy), Redis, PostgreSQL. */
  cpu: { arm: number; redis: number; postgres: number; armShare: number; perThousand: number; perThousandWithServices: number; byProcess: { servers: number[]; balancer: number | null } }
  loadgen: { cpuShare: number; lagP99Ms: number }
  /** Server-side fan-out and append histograms (Podium's /metrics), summed over servers, since each server started. */
  serverSide: ServerHistograms | null
  /** Which server was authoritative for each document at the end of the measured span (Arm.authoritative), by index. */
  placement: { bench: number | null; screen: number | null }
  failover: null | { killed: number; authoritative: boolean; affected: number; reconnects: number; docResumeMs: number; allResumeMs: number; p50ResumeMs: number; writersResumed: number; writersTyping: number; latencyAfterMs: Lat }
  lost: { acknowledged: number; notAcknowledged: number; notAcknowledgedStored: number; missingServed: number[]; missingStored: number; servedChecked: number; converged: boolean }
}

// Per edit, besides EditLog's fields: where it ends (its sender's clock after it) and when another client first had it.
interface Extra { end: number; firstSeen: number; phase: 'warmup' | 'measure' | 'failover' }

/** Runs the load on `arm`; bounded in time (every wait has a limit) and count. */
export async function runLoad(arm: Arm, p: LoadParams): Promise<ArmResult> {
  const benchLog = new EditLog()
  const screenLog = new EditLog()
  const extra = new Map<SentEdit, Extra>()
  let phase: Extra['phase'] = 'warmup'
  const capacity = Math.ceil(p.writers * p.rate * p.seconds * 1.3) * (p.writers - 1)
  const lat = new Float64Array(capacity)
  let nLat = 0
  const obsLat = new Float64Array(Math.ceil(p.penRate * p.seconds * 1.3 + 10) * p.observers)
  let nObs = 0
  const failLat: number[] = []
  let delivered = 0
  let obsDelivered = 0

  const seen = (e: SentEdit, at: number) => {
    const x = extra.get(e)
    if (x && e.seen === 1) x.firstSeen = at
    return x
  }
  const onWriterUpdate = (i: number) => (update: Uint8Array, at: number) => {
    // After the measured span, exactly: edits sent again after a reconnect arrive merged.
    for (const e of benchLog.resolve(update, phase === 'failover')) {
      if (e.sender === i) continue
      e.seen++
      const x = seen(e, at)
      if (x?.phase === 'measure') {
        delivered++
        if (nLat < capacity) lat[nLat++] = at - e.t
      } else if (x?.phase === 'failover' && failLat.length < 2_000_000) failLat.push(at - e.t)
    }
  }
  const onObserverUpdate = (update: Uint8Array, at: number) => {
    for (const e of screenLog.resolve(update, phase === 'failover')) {
      e.seen++
      const x = seen(e, at)
      if (x?.phase === 'measure') {
        obsDelivered++
        if (nObs < obsLat.length) obsLat[nObs++] = at - e.t
      }
    }
  }

  const writers: Participant[] = []
  const observers: Participant[] = []
  let pen: Participant | null = null
  const all = () => [...writers, ...observers, ...(pen ? [pen] : [])]
  try {
    // In batches, as a room fills: 2,000 sockets at once would measure the accept queue, not the servers.
    for (let i = 0; i < p.writers; i++) {
      const editor = i < p.editors
      writers.push(new Participant({ target: (n) => arm.target('bench', editor ? 'pen' : 'writer', i, n), apply: editor ? 'all' : 'none', onUpdate: onWriterUpdate(i) }))
    }
    pen = new Participant({ target: (n) => arm.target('screen', 'pen', 0, n), apply: 'all' })
    for (let j = 0; j < p.observers; j++) {
      observers.push(new Participant({ target: (n) => arm.target('screen', 'observer', j, n), apply: 'none', onUpdate: onObserverUpdate }))
      if (j % 250 === 249) await sleep(50)
    }
    if (!await until(() => all().every((x) => x.ready), 120_000)) throw new Error(`${arm.name}: ${all().filter((x) => !x.ready).length} of ${all().length} participants not synced after 120 s`)

    const spots = findSpots(writers[0].doc!)
    const texts = writers.map((w) => (w.doc ? textNodes(w.doc).filter((t) => t.length > 0) : []))
    const markers: (Y.XmlText | null)[] = writers.map(() => null)
    const typists = writers.map((w, i) => (w.doc ? null : new Typist(randomClientId(), spots, arm.target('bench', 'writer', i, 0).delegation ?? CODES[i % CODES.length])))
    const penDoc = pen.doc!
    const penSpots: Spots = findSpots(penDoc)
    const penTexts = textNodes(penDoc).filter((t) => t.length > 0)
    let penMarker: Y.XmlText | null = null

    // One typing loop for every phase; `typing` false pauses it.
    let typing = false
    let editsSent = 0
    let penEdits = 0
    const maxEdits = Math.ceil((p.writers * p.rate + p.penRate) * (p.warmup + p.seconds + p.failoverSeconds) * 1.5) + 100
    const period = 1000 / p.rate
    const penPeriod = 1000 / p.penRate
    const next = writers.map(() => performance.now() + Math.random() * period)
    let penNext = performance.now()
    const send = (i: number, now: number) => {
      const w = writers[i]
      if (!w.ready) return
      const typist = typists[i]
      let key: string | null
      let end: number
      if (typist) {
        key = w.sendUpdate(typist.next())
        end = typist.state[1]
      } else {
        key = w.edit((doc) => randomEdit(doc, texts[i], spots, markers[i] ??= markerParagraph(doc)))
        end = Y.getState(w.doc!.store, w.doc!.clientID)
      }
      if (!key) return
      const e = benchLog.add(i, key, now, phase === 'measure')
      extra.set(e, { end, firstSeen: 0, phase })
      editsSent++
    }
    const tick = setInterval(() => {
      if (!typing || editsSent + penEdits >= maxEdits) return
      const now = performance.now()
      for (let i = 0; i < writers.length; i++) {
        if (now < next[i]) continue
        next[i] = Math.max(next[i] + period * (0.5 + Math.random()), now)
        send(i, now)
      }
      if (now >= penNext && pen!.ready) {
        penNext = Math.max(penNext + penPeriod * (0.5 + Math.random()), now)
        const key = pen!.edit((doc) => randomEdit(doc, penTexts, penSpots, penMarker ??= markerParagraph(doc)))
        if (key) {
          const e = screenLog.add(-1, key, now, phase === 'measure')
          extra.set(e, { end: Y.getState(penDoc.store, penDoc.clientID), firstSeen: 0, phase })
          penEdits++
        }
      }
    }, 5)

    try {
      // Warm-up, then the measured span.
      typing = true
      await sleep(p.warmup * 1000)
      phase = 'measure'
      const pids = [...arm.servers.map((s) => s.pid), ...(arm.balancer ? [arm.balancer.pid] : [])]
      const cpu0 = pids.map(cpuSeconds)
      const svc0 = serviceCpu()
      const own0 = process.cpuUsage()
      const loop = monitorEventLoopDelay({ resolution: 10 })
      loop.enable()
      const t0 = performance.now()
      const measuredEdits0 = editsSent
      const measuredPen0 = penEdits
      await sleep(p.seconds * 1000)
      typing = false
      const typedMs = performance.now() - t0
      const measuredEdits = editsSent - measuredEdits0
      const measuredPen = penEdits - measuredPen0
      const expected = measuredEdits * (p.writers - 1)
      const obsExpected = measuredPen * p.observers
      await until(() => delivered >= expected && obsDelivered >= obsExpected, 20_000)
      const spanMs = performance.now() - t0
      const used = pids.map((pid, k) => cpuSeconds(pid) - cpu0[k])
      const armCpu = used.reduce((sum, c) => sum + c, 0)
      const svc = serviceCpuSince(svc0)
      const own = process.cpuUsage(own0)
      loop.disable()
      const total = delivered + obsDelivered
      const serverSide = await scrapeHistograms(arm)
      const placement = { bench: await arm.authoritative('bench'), screen: await arm.authoritative('screen') }
      const result: ArmResult = {
        arm: arm.name,
        servers: arm.servers.length,
        writers: { latencyMs: percentiles(lat.subarray(0, nLat)), editsSent: measuredEdits, delivered, expected },
        observers: { latencyMs: percentiles(obsLat.subarray(0, nObs)), penEdits: measuredPen, delivered: obsDelivered, expected: obsExpected },
        deliveredPerSec: total / (spanMs / 1000),
        cpu: { arm: armCpu, redis: svc.redis, postgres: svc.postgres, armShare: armCpu / (typedMs / 1000), perThousand: total ? (armCpu / total) * 1000 : NaN, perThousandWithServices: total ? ((armCpu + svc.redis + svc.postgres) / total) * 1000 : NaN, byProcess: { servers: used.slice(0, arm.servers.length), balancer: arm.balancer ? used[arm.servers.length] : null } },
        loadgen: { cpuShare: (own.user + own.system) / 1000 / spanMs, lagP99Ms: loop.percentile(99) / 1e6 },
        serverSide,
        placement,
        failover: null,
        lost: { acknowledged: 0, notAcknowledged: 0, notAcknowledgedStored: 0, missingServed: [], missingStored: 0, servedChecked: 0, converged: false }
      }

      if (arm.failover && p.failoverSeconds > 0) result.failover = await failover(arm, p, () => { phase = 'failover'; typing = true }, () => { typing = false }, writers, extra, failLat)
      clearInterval(tick)

      // Nothing acknowledged lost: in what each surviving server serves, and in storage.
      await sleep(arm.storeDelayMs)
      const expectedBench: Expected[] = []
      const expectedScreen: Expected[] = []
      const notAckedBench: Expected[] = []
      const notAckedScreen: Expected[] = []
      for (const [e, x] of extra) {
        if (e.seen === 0) (e.sender >= 0 ? notAckedBench : notAckedScreen).push({ client: e.client, end: x.end })
        else (e.sender >= 0 ? expectedBench : expectedScreen).push({ client: e.client, end: x.end })
      }
      const missingServed: number[] = []
      const texts: string[] = []
      for (const k of arm.alive()) {
        const [b, s] = [await served(arm.direct(k, 'bench'), expectedBench), await served(arm.direct(k, 'screen'), expectedScreen)]
        missingServed.push((b ? missingIn(b, expectedBench) : expectedBench.length) + (s ? missingIn(s, expectedScreen) : expectedScreen.length))
        if (b) texts.push(textOf(b))
      }
      const storedBench = docOf(await arm.stored('bench'))
      const storedScreen = docOf(await arm.stored('screen'))
      const missingStored = (storedBench ? missingIn(storedBench, expectedBench) : expectedBench.length) + (storedScreen ? missingIn(storedScreen, expectedScreen) : expectedScreen.length)
      const notAcked = notAckedBench.length + notAckedScreen.length
      if (process.env.BENCH_DEBUG_ACKS && storedBench) {
        for (const [e, x] of extra) if (e.seen === 0) console.log('not acked ' + JSON.stringify({ sender: e.sender, phase: x.phase, t: Math.round(e.t), clock: e.clock, end: x.end, stored: Y.getState(storedBench.store, e.client), lostAt: e.sender >= 0 ? Math.round(writers[e.sender].lostAt) : -1, reconnects: e.sender >= 0 ? writers[e.sender].reconnects : -1 }))
      }
      // Never acknowledged (no other client had it as an update of its own) yet stored: they came back merged.
      const notAckedStored = storedBench && storedScreen ? notAcked - missingIn(storedBench, notAckedBench) - missingIn(storedScreen, notAckedScreen) : 0
      result.lost = {
        acknowledged: expectedBench.length + expectedScreen.length,
        notAcknowledged: notAcked,
        notAcknowledgedStored: notAckedStored,
        missingServed,
        missingStored,
        servedChecked: missingServed.length,
        converged: texts.length > 0 && new Set(texts).size === 1 && missingServed.every((m) => m === 0)
      }
      return result
    } finally {
      clearInterval(tick)
    }
  } finally {
    for (const x of all()) x.close()
    await sleep(300)
  }
}

// The failover phase: typing again, then kill -9 of the server authoritative for `bench` (the first
// when the arm has no lease); how long until every writer's edits reach others again.
async function failover(arm: Arm, p: LoadParams, start: () => void, stop: () => void, writers: Participant[], extra: Map<SentEdit, Extra>, failLat: number[]): Promise<NonNullable<ArmResult['failover']>> {
  const auth = await arm.authoritative('bench')
  const victim = auth ?? 0
  start()
  await sleep(p.killAfter * 1000)
  const killAt = performance.now()
  if (process.env.BENCH_DEBUG_ACKS) console.log(`kill at ${Math.round(killAt)}: server ${victim}`)
  const reconnects0 = writers.reduce((n, w) => n + w.reconnects, 0)
  arm.kill(victim)
  await sleep(Math.max(0, (p.failoverSeconds - p.killAfter) * 1000))
  stop()
  // Edits sent before the stop reach others, or the limit passes.
  await until(() => [...extra].every(([e, x]) => x.phase !== 'failover' || e.seen > 0), 20_000)
  // Per writer: the first edit it sent after the kill that another client received, and when.
  const firstAfter = new Map<number, number>()
  for (const [e, x] of extra) {
    if (x.phase !== 'failover' || e.sender < 0 || e.t < killAt || x.firstSeen === 0) continue
    const prev = firstAfter.get(e.sender)
    if (prev === undefined || x.firstSeen < prev) firstAfter.set(e.sender, x.firstSeen)
  }
  const resumes = [...firstAfter.values()].map((t) => t - killAt).sort((a, b) => a - b)
  const affected = writers.filter((w) => w.lostAt >= killAt).length
  const after = Float64Array.from(failLat)
  return {
    killed: victim,
    authoritative: auth !== null,
    affected,
    reconnects: writers.reduce((n, w) => n + w.reconnects, 0) - reconnects0,
    docResumeMs: resumes[0] ?? NaN,
    allResumeMs: resumes.length === writers.length ? resumes[resumes.length - 1] : NaN,
    p50ResumeMs: resumes[Math.floor(resumes.length / 2)] ?? NaN,
    writersResumed: resumes.length,
    writersTyping: writers.length,
    latencyAfterMs: percentiles(after)
  }
}
