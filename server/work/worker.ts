// A worker thread of the pool (pool.ts): opens its own connection to storage and runs one job at a
// time, answering each with a Reply (or the error's message). Loaded through entry.mjs (tsx).

import { setPriority } from 'node:os'
import { parentPort, workerData } from 'node:worker_threads'
import { openStorage, type OpenedStorage, type StorageSpec } from '../storage/open.ts'
import { runJob, type JobKind } from './jobs.ts'

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
    const reply = await runJob(job.kind, job.args as never, { storage: s, docBytes: (name) => s.docBytes(name) })
    // Encoded here, not on the loop: a comparison of a large document is a JSON of tens of megabytes.
    // (The list's counts and a replace's change are read by the loop, so they stay values.)
    if (reply.json !== undefined && job.kind !== 'counts' && job.kind !== 'replace') {
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
    parentPort!.postMessage({ id: job.id, ok: true, reply } satisfies JobAnswer, transfer)
  } catch (err) {
    const code = (err as { code?: unknown }).code
    parentPort!.postMessage({ id: job.id, ok: false, message: (err as Error).message, stack: (err as Error).stack, code: typeof code === 'string' ? code : undefined } satisfies JobAnswer)
  }
})
parentPort!.postMessage({ ready: true })
