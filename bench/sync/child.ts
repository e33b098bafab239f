// The side of a server child process that talks to the runner: its settings come in as JSON in
// BENCH_SERVER, `READY {json}` goes out on stdout, `mem` on stdin answers `MEM {json}` after a
// full GC, `pauses` answers `PAUSES {json}` (GC pauses and event-loop
// delay since `pauses reset`), and stdin closing (the runner gone) stops it.

import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { unpackUpdates } from './seed-doc.ts'
import { PauseTracer } from './pauses.ts'

/** What the runner passes to a server child. */
export interface ChildSettings {
  /** A file of packed updates (see packUpdates) for document `bench`. */
  seedFile: string
  /** A file of packed updates for document `history`, when the join benchmark needs it. */
  historyFile?: string
  /** A fresh directory for the server's data. */
  dataDir: string
  /** Podium only. */
  synchronous?: 'full' | 'normal'
}

/** The settings passed by the runner. */
export function childSettings(): ChildSettings {
  return JSON.parse(process.env.BENCH_SERVER ?? '{}') as ChildSettings
}

/** Reads a packed updates file. */
export function readUpdates(file: string): Uint8Array[] {
  return unpackUpdates(readFileSync(file))
}

/** Announces the server and serves the runner's commands until stdin closes, then calls `stop`. */
export function announce(info: Record<string, unknown>, stop: () => Promise<void> | void): void {
  process.stdout.write(`READY ${JSON.stringify(info)}\n`)
  const tracer = new PauseTracer()
  const lines = createInterface({ input: process.stdin })
  lines.on('line', (line) => {
    if (line.trim() === 'pauses reset') tracer.reset()
    if (line.trim() === 'pauses') process.stdout.write(`PAUSES ${JSON.stringify(tracer.read())}\n`)
    if (line.trim() === 'mem') {
      const gc = (globalThis as { gc?: () => void }).gc
      gc?.()
      gc?.()
      process.stdout.write(`MEM ${JSON.stringify(process.memoryUsage())}\n`)
    }
  })
  let stopping = false
  const end = async () => {
    if (stopping) return
    stopping = true
    // A server that hangs on close must not hold up the run.
    setTimeout(() => process.exit(0), 3000).unref()
    try {
      await stop()
    } finally {
      process.exit(0)
    }
  }
  lines.on('close', end)
  process.on('SIGTERM', end)
}
