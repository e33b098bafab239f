// The podium_* counters and gauges that /metrics has always shown, under the same names, as
// prom-client metrics read from the server's plain counters and live gauges when scraped (the sync
// code keeps incrementing plain numbers; tests read them directly).

import { Counter, Gauge, type Registry } from 'prom-client'
import type { IntervalHistogram } from 'node:perf_hooks'
import type { Counters, Gauges } from './metrics.ts'

type Value = number | ReadonlyMap<string | number, number>

// A counter whose value is read from `read` at scrape time (labelled: one series per map entry).
function mirroredCounter(registry: Registry, name: string, help: string, read: () => Value, label?: string): void {
  new Counter({
    name,
    help,
    labelNames: label ? [label] : [],
    registers: [registry],
    collect() {
      this.reset()
      const v = read()
      if (typeof v === 'number') this.inc(v)
      else for (const [key, n] of v) this.inc({ [label!]: String(key) }, n)
    }
  })
}

// A gauge read at scrape time.
function liveGauge(registry: Registry, name: string, help: string, read: () => number): void {
  new Gauge({ name, help, registers: [registry], collect() { this.set(read()) } })
}

/**
 * Registers on `registry` every podium_* metric that existed before prom-client: connections,
 * documents, messages, updates applied/persisted/refused (and by rule), compactions, bytes stored,
 * work pool, sockets, disk full, and the event-loop delay quantiles from `loop`.
 */
export function registerPodiumMetrics(registry: Registry, c: Counters, g: Gauges, loop: IntervalHistogram): void {
  liveGauge(registry, 'podium_connections', 'Open websocket connections.', g.connections)
  mirroredCounter(registry, 'podium_connections_opened_total', 'Websocket connections accepted.', () => c.connectionsOpened)
  mirroredCounter(registry, 'podium_connections_closed_total', 'Websocket connections closed by the server, by close code.', () => c.closes, 'code')
  liveGauge(registry, 'podium_documents_loaded', 'Documents held in memory.', g.docsLoaded)
  mirroredCounter(registry, 'podium_messages_received_total', 'Websocket messages received.', () => c.messagesReceived)
  mirroredCounter(registry, 'podium_updates_applied_total', 'Document updates applied from clients.', () => c.updatesApplied)
  mirroredCounter(registry, 'podium_updates_persisted_total', 'Document updates appended to storage.', () => c.updatesPersisted)
  mirroredCounter(registry, 'podium_updates_refused_total', 'Document updates refused (observers, forged client IDs, broken rules).', () => c.updatesRefused)
  mirroredCounter(registry, 'podium_updates_refused_by_rule_total', 'Document updates refused, by the rule they broke.', () => c.refusals, 'rule')
  mirroredCounter(registry, 'podium_compactions_total', 'Update-log compactions run.', () => c.compactions)
  liveGauge(registry, 'podium_bytes_stored', 'Bytes of document data in storage.', g.bytesStored)
  const { work, sockets, diskFull } = g
  if (work) {
    liveGauge(registry, 'podium_work_running', 'Heavy jobs (exports, comparisons, snapshots, imports) running in worker threads.', () => work().running)
    liveGauge(registry, 'podium_work_queued', 'Heavy jobs waiting for a worker thread.', () => work().queued)
  }
  if (sockets) {
    liveGauge(registry, 'podium_sockets_open', 'Open sockets of the HTTP server (HTTP and websocket).', () => sockets().open)
    liveGauge(registry, 'podium_sockets_max', 'The socket budget (below the descriptor limit).', () => sockets().max)
  }
  if (diskFull) liveGauge(registry, 'podium_disk_full', '1 while writes fail because the disk is full.', diskFull)
  const seconds = (ns: number) => (Number.isFinite(ns) ? ns / 1e9 : 0)
  new Gauge({
    name: 'podium_event_loop_delay_seconds',
    help: 'Event-loop delay since start (p50, p99, max).',
    labelNames: ['quantile'],
    registers: [registry],
    collect() {
      this.set({ quantile: '0.5' }, seconds(loop.percentile(50)))
      this.set({ quantile: '0.99' }, seconds(loop.percentile(99)))
      this.set({ quantile: '1' }, seconds(loop.max))
    }
  })
}
