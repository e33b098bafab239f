// prom-client's default process metrics (CPU, memory, heap, event-loop lag, GC, descriptors), once
// per process. They describe the process, not a server: tests start several servers in one process,
// and collectDefaultMetrics leaves a GC observer and an event-loop histogram running per call, so
// every server's /metrics shares this one registry and adds its own podium_* registry to it.

import { Registry, collectDefaultMetrics } from 'prom-client'

let shared: Registry | null = null

/** The process-wide registry of prom-client's default metrics (created on first call; never global `register`). */
export function processRegistry(): Registry {
  if (!shared) {
    shared = new Registry()
    collectDefaultMetrics({ register: shared })
  }
  return shared
}
