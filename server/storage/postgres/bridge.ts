// A synchronous call into an asynchronous worker: the Storage contract is synchronous (as
// better-sqlite3 is), PostgreSQL's client is not. The caller posts a request on a MessagePort,
// blocks in Atomics.wait on a shared flag until the worker raises it, then takes the answer with
// receiveMessageOnPort — what the `synckit` package does. Written here rather than taken from
// synckit because storage needs what synckit does not give: ending the worker on close, one
// worker per storage (each with its own pool and schema), and a timeout that fails with
// StorageUnavailableError while later calls go on working (answers of abandoned calls are dropped).
// A call can also be started without blocking (start): the loop goes on while the worker commits,
// and the answer comes back on a later turn — or at once, blocking, when the caller needs it now.

import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads'
import { StorageUnavailableError } from '../types.ts'
import { CALL_TIMEOUT_MS } from './config.ts'
import { fromWire, type WireError } from './errors.ts'
import type { BridgeWorkerData } from './worker.ts'
import type { CallInFlight } from '../append-types.ts'

type Answer = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WireError }

// One started call: its answer once known (taken by whichever read of the port met it first).
class Started<T> implements CallInFlight<T> {
  answer: Answer | { timeout: true } | null = null
  private done: (() => void) | null = null
  private timer: NodeJS.Timeout | null = null

  constructor (readonly id: number, readonly op: string, readonly timeoutMs: number, private readonly bridge: SyncBridge) {
    this.deadline = performance.now() + timeoutMs
  }

  readonly deadline: number

  settle(): T {
    if (!this.answer) this.bridge.waitFor(this)
    return this.bridge.unwrap<T>(this.answer!, this.op, this.timeoutMs)
  }

  waitAtMost(ms: number): boolean {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`waitAtMost: ${ms} ms is not a duration`)
    if (!this.answer) this.bridge.waitFor(this, ms)
    return this.answer !== null
  }

  onSettled(done: () => void): void {
    if (this.done) throw new RangeError(`onSettled: call ${this.id} (${this.op}) already has a listener`)
    this.done = done
    if (this.answer) return void setImmediate(done)
    // Not answered within the deadline: settled as timed out (the late answer is dropped).
    this.timer = setTimeout(() => this.bridge.expire(this), Math.max(0, this.deadline - performance.now()))
    this.timer.unref()
  }

  /** Records the answer; `later` when met inside another (blocking) read: the listener must not run there. */
  deliver(answer: Answer | { timeout: true }, later: boolean): void {
    if (this.answer) return
    this.answer = answer
    if (this.timer) clearTimeout(this.timer)
    const done = this.done
    if (!done) return
    if (later) setImmediate(done)
    else done()
  }
}

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
  // Calls started without blocking and not answered yet, by id.
  private readonly started = new Map<number, Started<unknown>>()

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
    // Answers to started calls that arrive while the loop is free; a blocking read takes them first otherwise.
    this.port.on('message', (a: Answer) => this.route(a, false))
    this.port.unref()
    this.dead = false
    // A started call's thread is gone: it will not be answered.
    for (const s of this.started.values()) this.expire(s)
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
    const id = this.post(op, args)
    const deadline = performance.now() + timeoutMs
    const answer = this.read(id, deadline)
    if (!answer) throw this.timedOut(op, timeoutMs)
    return this.unwrap<T>(answer, op, timeoutMs)
  }

  /**
   * Starts `op(...args)` in the worker without waiting for it: the caller settles it later, blocking
   * (settle) or on a later turn (onSettled). Calls made meanwhile go on as usual. A call not answered
   * within `timeoutMs` settles with StorageUnavailableError.
   */
  start<T> (op: string, args: unknown[] = [], timeoutMs = CALL_TIMEOUT_MS): CallInFlight<T> {
    const id = this.post(op, args)
    const s = new Started<T>(id, op, timeoutMs, this)
    this.started.set(id, s as Started<unknown>)
    return s
  }

  /** Blocks until `s` is answered, its deadline passes (then it is expired) or `ms` have passed. */
  waitFor (s: Started<unknown>, ms = Infinity): void {
    if (s.answer) return
    const until = Math.min(s.deadline, performance.now() + ms)
    const answer = this.read(s.id, until)
    if (answer) {
      this.started.delete(s.id)
      s.deliver(answer, true)
    } else if (until >= s.deadline) this.expire(s)
  }

  /** Settles `s` as timed out, if it was not answered. */
  expire (s: Started<unknown>): void {
    if (!this.started.delete(s.id) || s.answer) return
    s.deliver({ timeout: true }, false)
  }

  /** The value of an answer, or its error thrown (a timeout as StorageUnavailableError). */
  unwrap<T> (answer: Answer | { timeout: true }, op: string, timeoutMs: number): T {
    if ('timeout' in answer) throw this.timedOut(op, timeoutMs)
    if (answer.ok) return answer.value as T
    throw fromWire(answer.error)
  }

  private timedOut (op: string, timeoutMs: number): StorageUnavailableError {
    return new StorageUnavailableError(`PostgreSQL at ${this.where} did not answer within ${Math.round(timeoutMs / 1000)} s (${op})`)
  }

  private post (op: string, args: unknown[]): number {
    if (this.closed) throw new Error(`storage on ${this.where} is closed`)
    if (this.dead) {
      this.port.close()
      this.spawn()
      if (this.reopen && op !== this.reopen.op) this.call(this.reopen.op, this.reopen.args, this.reopen.timeoutMs)
    }
    const id = this.next++
    this.port.postMessage({ id, op, args })
    return id
  }

  // Blocks until the answer to `id` (returned) or `deadline` (null). Answers to started calls met on
  // the way are handed to them; answers of abandoned calls are dropped.
  private read (id: number, deadline: number): Answer | null {
    for (;;) {
      const left = deadline - performance.now()
      if (left <= 0) return null
      Atomics.wait(this.signal, 0, 0, left)
      // Lowered before reading: an answer posted after this is either read below or raises it again.
      Atomics.store(this.signal, 0, 0)
      for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
        const a = m.message as Answer
        if (a.id === id) return a
        this.route(a, true)
      }
    }
  }

  // An answer read from the port: to its started call if one waits for it, else dropped.
  private route (a: Answer, insideRead: boolean): void {
    const s = this.started.get(a.id)
    if (!s) return
    this.started.delete(a.id)
    s.deliver(a, insideRead)
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
