// What the bench puts into the editor page before any of its scripts run (Playwright addInitScript):
// every sync websocket gets a first 'message' listener (it runs before y-websocket's onmessage, so
// its time is the update's arrival on the main thread); for each Yjs update message (sync message 0,
// subtype 2) it asks for the next animation frame — which comes after y-prosemirror has applied the
// update to the view in that same task — and, from the frame, a MessageChannel task that runs after
// the frame is painted. Arrival → that task is one sample. Long tasks are observed besides.

/** The samples and long tasks the probe collects, on `window.__bench`. */
export interface ProbeState {
  measuring: boolean
  /** Milliseconds from an update's arrival to the task after the frame that painted it. */
  samples: number[]
  /** Update messages seen while measuring. */
  updates: number
  /** Long tasks (≥ 50 ms) while measuring: count and total duration. */
  longTasks: number
  longTaskMs: number
}

/** The init script's source (runs in the page; no imports). */
export const PROBE_SCRIPT = `(() => {
  const state = { measuring: false, samples: [], updates: 0, longTasks: 0, longTaskMs: 0 }
  window.__bench = state
  const Native = window.WebSocket
  class Probed extends Native {
    constructor (url, protocols) {
      super(url, protocols)
      if (!String(url).includes('/sync/')) return
      this.addEventListener('message', (ev) => {
        if (!state.measuring || !(ev.data instanceof ArrayBuffer)) return
        const d = new Uint8Array(ev.data)
        if (d.length < 2 || d[0] !== 0 || d[1] !== 2) return
        state.updates++
        const t0 = performance.now()
        requestAnimationFrame(() => {
          const ch = new MessageChannel()
          ch.port1.onmessage = () => { if (state.measuring) state.samples.push(performance.now() - t0) }
          ch.port2.postMessage(0)
        })
      })
    }
  }
  window.WebSocket = Probed
  try {
    new PerformanceObserver((list) => {
      if (!state.measuring) return
      for (const e of list.getEntries()) { state.longTasks++; state.longTaskMs += e.duration }
    }).observe({ type: 'longtask', buffered: false })
  } catch {}
})()`
