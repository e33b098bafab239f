// The server's metrics through prom-client, rendered on GET /metrics: one registry per server (tests
// start several in one process), plus prom-client's default process metrics (metrics-process.ts).

import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks'
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import { registerPodiumMetrics } from './metrics-podium.ts'
import { processRegistry } from './metrics-process.ts'

/** Counters the server increments as it works. */
export interface Counters {
  connectionsOpened: number
  updatesApplied: number
  updatesPersisted: number
  updatesRefused: number
  messagesReceived: number
  compactions: number
  /** Closes by code. */
  closes: Map<number, number>
  /** Refused updates by rule (see shared/trust). */
  refusals: Map<string, number>
}

/** Live values read when rendering. */
export interface Gauges {
  connections: () => number
  docsLoaded: () => number
  bytesStored: () => number
  /** Heavy jobs running and waiting in the worker pool (optional). */
  work?: () => { running: number; queued: number }
  /** Open sockets of the HTTP server, and the budget (optional). */
  sockets?: () => { open: number; max: number }
  /** 1 while writes fail because the disk is full (optional). */
  diskFull?: () => number
}

/**
 * Histogram buckets for latencies measured in milliseconds, in seconds (Prometheus' unit):
 * 0.25 ms … 5 s, dense where the budgets are (fan-out p99 < 50 ms, observers < 100 ms).
 */
export const LATENCY_BUCKETS: readonly number[] = [0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5]

/** Where an update sent to this server's peers came from: one of its own connections, or another server. */
export type FanoutSource = 'local' | 'remote'

/** Updates exchanged with other servers: published for them (`out`) or received from them (`in`). */
export type RelayDirection = 'out' | 'in'

const METRIC_NAME = /^podium_[a-z0-9_]+$/

function checkSeconds(seconds: number): void {
  if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError(`seconds ${JSON.stringify(seconds)} is not a finite duration ≥ 0`)
}

function checkCount(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`count ${JSON.stringify(n)} is not an integer ≥ 0`)
}

/**
 * The server's metrics: plain counters the sync code increments, latency histograms, hooks for the
 * cluster runtime, and render() for GET /metrics. Its metrics live in its own `registry`.
 */
export class Metrics {
  readonly counters: Counters = { connectionsOpened: 0, updatesApplied: 0, updatesPersisted: 0, updatesRefused: 0, messagesReceived: 0, compactions: 0, closes: new Map(), refusals: new Map() }
  /** This server's prom-client registry (podium_* only; the process metrics are shared, see metrics-process.ts). */
  readonly registry = new Registry()
  private readonly loop: IntervalHistogram
  private readonly append: Histogram<'op'>
  private readonly fanout: Histogram<'source'>
  private readonly relays: Counter<'direction'>
  private readonly forwards: Counter

  /** Starts sampling event-loop delay; call stop() when the server closes. */
  constructor (gauges: Gauges) {
    this.loop = monitorEventLoopDelay({ resolution: 20 })
    this.loop.enable()
    processRegistry()
    registerPodiumMetrics(this.registry, this.counters, gauges, this.loop)
    const registers = [this.registry]
    const buckets = [...LATENCY_BUCKETS]
    this.append = new Histogram({ name: 'podium_storage_append_seconds', help: 'Time to append accepted updates to storage durably (one call: a single update, or a turn\'s batch in one transaction).', labelNames: ['op'], buckets, registers })
    this.fanout = new Histogram({ name: 'podium_fanout_seconds', help: 'Time from an update\'s receipt to its send to this server\'s peers (source: local connection or another server).', labelNames: ['source'], buckets, registers })
    this.relays = new Counter({ name: 'podium_updates_relayed_total', help: 'Updates published for other servers (out) or received from them (in).', labelNames: ['direction'], registers })
    this.forwards = new Counter({ name: 'podium_updates_forwarded_total', help: 'Updates forwarded to the server authoritative for their document.', registers })
    for (const op of ['append', 'append_many']) this.append.zero({ op })
    for (const source of ['local', 'remote']) this.fanout.zero({ source })
    for (const direction of ['out', 'in']) this.relays.inc({ direction }, 0)
  }

  /** Counts one connection closed by the server with `code`. */
  closed(code: number): void {
    this.counters.closes.set(code, (this.counters.closes.get(code) ?? 0) + 1)
  }

  /** Counts one update refused under `rule`. */
  refused(rule: string): void {
    this.counters.updatesRefused++
    this.counters.refusals.set(rule, (this.counters.refusals.get(rule) ?? 0) + 1)
  }

  /** Records how long one storage call took to append `updates` updates durably. RangeError on a bad duration or count. */
  observeAppend(seconds: number, updates: number): void {
    checkSeconds(seconds)
    checkCount(updates)
    this.append.observe({ op: updates === 1 ? 'append' : 'append_many' }, seconds)
  }

  /** Records one update's fan-out latency: from its receipt to its send to this server's peers. RangeError on a bad duration. */
  observeFanout(seconds: number, source: FanoutSource = 'local'): void {
    checkSeconds(seconds)
    if (source !== 'local' && source !== 'remote') throw new RangeError(`fan-out source ${JSON.stringify(source)} is not local or remote`)
    this.fanout.observe({ source }, seconds)
  }

  /** Counts `n` updates published for other servers (`out`) or received from them (`in`). */
  relayed(direction: RelayDirection, n = 1): void {
    if (direction !== 'out' && direction !== 'in') throw new RangeError(`relay direction ${JSON.stringify(direction)} is not out or in`)
    checkCount(n)
    this.relays.inc({ direction }, n)
  }

  /** Counts `n` updates forwarded to the document's authoritative server. */
  forwarded(n = 1): void {
    checkCount(n)
    this.forwards.inc(n)
  }

  /**
   * Registers a gauge named `name` (podium_…), read from `read` at every scrape: a number, or a map
   * of `label` value → number. RangeError when the name is not podium_[a-z0-9_]+ or is taken.
   */
  gauge(name: string, help: string, read: () => number | ReadonlyMap<string, number>, label?: string): void {
    this.checkName(name)
    new Gauge({
      name,
      help,
      labelNames: label ? [label] : [],
      registers: [this.registry],
      collect() {
        this.reset()
        const v = read()
        if (typeof v === 'number') this.set(v)
        else for (const [key, n] of v) this.set({ [label!]: key }, n)
      }
    })
  }

  /** Registers and returns a counter named `name` (podium_…) with `labelNames`. RangeError as gauge(). */
  counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    this.checkName(name)
    return new Counter<L>({ name, help, labelNames, registers: [this.registry] })
  }

  private checkName(name: string): void {
    if (!METRIC_NAME.test(name)) throw new RangeError(`metric name ${JSON.stringify(name)} is not podium_[a-z0-9_]+`)
    if (this.registry.getSingleMetric(name)) throw new RangeError(`metric name ${JSON.stringify(name)} is already registered`)
  }

  /** The content type of render()'s text (Prometheus text exposition format 0.0.4). */
  get contentType(): string {
    return this.registry.contentType
  }

  /** This server's metrics and the process's default metrics, in Prometheus text format (version 0.0.4). */
  async render(): Promise<string> {
    const [own, proc] = await Promise.all([this.registry.metrics(), processRegistry().metrics()])
    return own + '\n' + proc
  }

  /** Stops the event-loop sampler. */
  stop(): void {
    this.loop.disable()
  }
}
