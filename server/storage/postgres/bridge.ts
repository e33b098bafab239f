// A synchronous call into an asynchronous worker: the Storage contract is synchronous (as
// better-sqlite3 is), PostgreSQL's client is not. The caller posts a request on a MessagePort,
// blocks in Atomics.wait on a shared flag until the worker raises it, then takes the answer with
// receiveMessageOnPort — what the `synckit` package does. Written here rather than taken from
// synckit because storage needs what synckit does not give: ending the worker on close, one
// worker per storage (each with its own pool and schema), and a timeout that fails with
// StorageUnavailableError while later calls go on working (answers of abandoned calls are dropped).

import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads'
import { StorageUnavailableError } from '../types.ts'
import { CALL_TIMEOUT_MS } from './config.ts'
import { fromWire, type WireError } from './errors.ts'
import type { BridgeWorkerData } from './worker.ts'

type Answer = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WireError }

/** A worker thread called synchronously (see the file comment). */
export class SyncBridge {
  private worker!: Worker
  private port!: MessagePort
  private signal!: Int32Array
  private next = 1
  private closed = false
  // Set when the thread ended unexpectedly (seen between calls): the next call starts a new one.
  private dead = false
  private reopen: { op: string; args: unknown[]; timeoutMs: number } | null = null

  /** Starts the worker at `entry` with `data` (the port and the flag are added). `where` names the database in errors. */
  constructor (private readonly entry: URL, private readonly data: Omit<BridgeWorkerData, 'signal' | 'port'>, private readonly where: string) {
    this.spawn()
  }

  private spawn (): void {
    const shared = new SharedArrayBuffer(4)
    this.signal = new Int32Array(shared)
    const { port1, port2 } = new MessageChannel()
    this.port = port1
    const worker = new Worker(this.entry, { workerData: { ...this.data, signal: shared, port: port2 }, transferList: [port2] })
    this.worker = worker
    const ended = () => { if (this.worker === worker) this.dead = true }
    worker.on('error', ended)
    worker.on('exit', ended)
    // The process may exit while a storage is open (as with SQLite); close() ends the thread.
    worker.unref()
    this.port.unref()
    this.dead = false
  }

  /** Names the call that (re)opens the storage in a new thread: run now, and again if the thread has to be replaced. */
  open<T> (op: string, args: unknown[], timeoutMs: number): T {
    this.reopen = { op, args, timeoutMs }
    return this.call<T>(op, args, timeoutMs)
  }

  /**
   * Runs `op(...args)` in the worker and returns its value, or throws its error (rebuilt, see
   * errors.ts). Throws StorageUnavailableError after `timeoutMs` without an answer.
   */
  call<T> (op: string, args: unknown[] = [], timeoutMs = CALL_TIMEOUT_MS): T {
    if (this.closed) throw new Error(`storage on ${this.where} is closed`)
    if (this.dead) {
      this.port.close()
      this.spawn()
      if (this.reopen && op !== this.reopen.op) this.call(this.reopen.op, this.reopen.args, this.reopen.timeoutMs)
    }
    const id = this.next++
    this.port.postMessage({ id, op, args })
    const deadline = performance.now() + timeoutMs
    for (;;) {
      const left = deadline - performance.now()
      if (left <= 0) break
      Atomics.wait(this.signal, 0, 0, left)
      // Lowered before reading: an answer posted after this is either read below or raises it again.
      Atomics.store(this.signal, 0, 0)
      for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
        const a = m.message as Answer
        if (a.id !== id) continue
        if (a.ok) return a.value as T
        throw fromWire(a.error)
      }
    }
    throw new StorageUnavailableError(`PostgreSQL at ${this.where} did not answer within ${Math.round(timeoutMs / 1000)} s (${op})`)
  }

  /** Ends the pool (waiting at most a timeout) and the worker thread. Idempotent; later calls throw. */
  close (): void {
    if (this.closed) return
    try {
      this.call('close')
    } catch { /* closing anyway */ }
    this.closed = true
    this.port.close()
    void this.worker.terminate()
  }
}
