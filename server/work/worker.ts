// A worker thread of the pool (pool.ts): opens its own connection to storage and runs one job at a
// time, answering each with a Reply (or the error's message). Loaded through entry.mjs (tsx).

import { setPriority } from 'node:os'
import { parentPort, workerData } from 'node:worker_threads'
import { openStorage, type OpenedStorage, type StorageSpec } from '../storage/open.ts'
import type { JobArgs, JobKind } from './jobs.ts'
import { compactRoom, loadRoom } from './room-jobs.ts'

/** What the pool sends a worker. */
export interface JobMessage {
  id: number
  kind: JobKind
  args: unknown
}

/** What a worker answers. */
export type JobAnswer =
  | { id: number; ok: true; reply: import('../http/respond.ts').Reply }
  | { id: number; ok: false; message: string; stack?: string; code?: string }

const { storage: spec } = workerData as { storage: StorageSpec }

// On Linux a thread's nice value is its own: this worker (and the Chromium it starts) yields the CPU
// to the event loop carrying the live edits. Elsewhere this may change the whole process, so only here.
if (process.platform === 'linux') {
  try {
    setPriority(10)
  } catch { /* not permitted: run at normal priority */ }
}
let storage: OpenedStorage | null = null

parentPort!.on('message', async (job: JobMessage) => {
  try {
    storage ??= openStorage(spec)
    const s = storage
    // The room loader's worker never needs the export and import code: it is imported on first use.
    const reply = job.kind === 'loadRoom'
      ? loadRoom(s, (job.args as JobArgs['loadRoom']).doc, (job.args as JobArgs['loadRoom']).pieceBytes)
      : job.kind === 'compactRoom'
        ? compactRoom(s, (job.args as JobArgs['compactRoom']).doc, (job.args as JobArgs['compactRoom']).structs)
        : await (await import('./jobs.ts')).runJob(job.kind, job.args as never, { storage: s, docBytes: (name) => s.docBytes(name) })
    // Encoded here, not on the loop: a comparison of a large document is a JSON of tens of megabytes.
    // (The list's counts, a replace's change, a prepared room and a compaction's rows are read by the
    // loop, so they stay values.)
    if (reply.json !== undefined && job.kind !== 'counts' && job.kind !== 'replace' && job.kind !== 'loadRoom' && job.kind !== 'compactRoom') {
      reply.bytes = Buffer.from(JSON.stringify(reply.json), 'utf8')
      reply.contentType = 'application/json; charset=utf-8'
      delete reply.json
    } else if (reply.text !== undefined) {
      reply.bytes = Buffer.from(reply.text, 'utf8')
      reply.contentType ??= 'text/plain; charset=utf-8'
      delete reply.text
    }
    // Handed over, not copied: a fresh ArrayBuffer of its own (a Buffer may share Node's pool).
    const transfer: ArrayBuffer[] = []
    if (reply.bytes) {
      const own = new Uint8Array(reply.bytes)
      transfer.push(own.buffer)
      reply.bytes = own as Buffer
    }
    // A prepared room's pieces are its own buffer (room-jobs.ts): handed over too.
    const packed = job.kind === 'loadRoom' ? (reply.json as { packed?: Uint8Array } | undefined)?.packed : undefined
    if (packed) transfer.push(packed.buffer as ArrayBuffer)
    parentPort!.postMessage({ id: job.id, ok: true, reply } satisfies JobAnswer, transfer)
  } catch (err) {
    const code = (err as { code?: unknown }).code
    parentPort!.postMessage({ id: job.id, ok: false, message: (err as Error).message, stack: (err as Error).stack, code: typeof code === 'string' ? code : undefined } satisfies JobAnswer)
  }
})
parentPort!.postMessage({ ready: true })
