// Prometheus text metrics: a handful of counters and gauges, rendered on GET /metrics.

import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks'

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

/** The server's metrics: counters to increment and a render() for GET /metrics. */
export class Metrics {
  readonly counters: Counters = { connectionsOpened: 0, updatesApplied: 0, updatesPersisted: 0, updatesRefused: 0, messagesReceived: 0, compactions: 0, closes: new Map(), refusals: new Map() }
  private readonly loop: IntervalHistogram

  /** Starts sampling event-loop delay; call stop() when the server closes. */
  constructor (private readonly gauges: Gauges) {
    this.loop = monitorEventLoopDelay({ resolution: 20 })
    this.loop.enable()
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

  /** The metrics in Prometheus text exposition format (version 0.0.4). */
  render(): string {
    const c = this.counters
    const lines: string[] = []
    const metric = (name: string, type: 'counter' | 'gauge', help: string, value: number | [string, number][]) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
      if (typeof value === 'number') lines.push(`${name} ${value}`)
      else for (const [labels, v] of value) lines.push(`${name}{${labels}} ${v}`)
    }
    metric('podium_connections', 'gauge', 'Open websocket connections.', this.gauges.connections())
    metric('podium_connections_opened_total', 'counter', 'Websocket connections accepted.', c.connectionsOpened)
    metric('podium_connections_closed_total', 'counter', 'Websocket connections closed by the server, by close code.', [...c.closes].map(([code, n]) => [`code="${code}"`, n]))
    metric('podium_documents_loaded', 'gauge', 'Documents held in memory.', this.gauges.docsLoaded())
    metric('podium_messages_received_total', 'counter', 'Websocket messages received.', c.messagesReceived)
    metric('podium_updates_applied_total', 'counter', 'Document updates applied from clients.', c.updatesApplied)
    metric('podium_updates_persisted_total', 'counter', 'Document updates appended to storage.', c.updatesPersisted)
    metric('podium_updates_refused_total', 'counter', 'Document updates refused (observers, forged client IDs, broken rules).', c.updatesRefused)
    metric('podium_updates_refused_by_rule_total', 'counter', 'Document updates refused, by the rule they broke.', [...c.refusals].map(([rule, n]) => [`rule="${rule}"`, n]))
    metric('podium_compactions_total', 'counter', 'Update-log compactions run.', c.compactions)
    metric('podium_bytes_stored', 'gauge', 'Bytes of document data in storage.', this.gauges.bytesStored())
    const work = this.gauges.work?.()
    if (work) {
      metric('podium_work_running', 'gauge', 'Heavy jobs (exports, comparisons, snapshots, imports) running in worker threads.', work.running)
      metric('podium_work_queued', 'gauge', 'Heavy jobs waiting for a worker thread.', work.queued)
    }
    const sockets = this.gauges.sockets?.()
    if (sockets) {
      metric('podium_sockets_open', 'gauge', 'Open sockets of the HTTP server (HTTP and websocket).', sockets.open)
      metric('podium_sockets_max', 'gauge', 'The socket budget (below the descriptor limit).', sockets.max)
    }
    if (this.gauges.diskFull) metric('podium_disk_full', 'gauge', '1 while writes fail because the disk is full.', this.gauges.diskFull())
    const ns = (v: number) => (Number.isFinite(v) ? v / 1e9 : 0)
    metric('podium_event_loop_delay_seconds', 'gauge', 'Event-loop delay since start (p50, p99, max).', [
      ['quantile="0.5"', ns(this.loop.percentile(50))],
      ['quantile="0.99"', ns(this.loop.percentile(99))],
      ['quantile="1"', ns(this.loop.max)]
    ])
    return lines.join('\n') + '\n'
  }

  /** Stops the event-loop sampler. */
  stop(): void {
    this.loop.disable()
  }
}
