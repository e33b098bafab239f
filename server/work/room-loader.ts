// The RoomLoader of a server: a pool of its own (one worker thread), so that opening a large document
// never waits behind exports and comparisons, and they never wait behind it.

import type { Logger } from '../logger.ts'
import type { StorageSpec } from '../storage/open.ts'
import { LOAD_OFF_LOOP_BYTES, LOAD_PIECE_BYTES, type PreparedDoc, type RoomLoader } from '../sync/room-load.ts'
import { WorkPool } from './pool.ts'
import { unpackPrepared, type LoadRoomJson } from './room-jobs.ts'

/** Every load and compaction runs under this key: the pool's per-token bound does not apply to rooms. */
const ROOMS_KEY = 'rooms'

/** Options of the room loader. */
export interface RoomLoaderOptions {
  /** The meeting's storage: the worker opens its own connection. */
  storage: StorageSpec
  log: Logger
  /** A load or compaction taking longer is stopped, in ms. */
  timeoutMs: number
  /** JavaScript heap the worker may use, in MB (a 64 MB document decodes to several times that). */
  memoryMb: number
  /** Stored bytes from which documents are loaded here (default LOAD_OFF_LOOP_BYTES). */
  thresholdBytes?: number
}

/** A RoomLoader on a worker thread, with close() to stop it. */
export function createRoomLoader(options: RoomLoaderOptions): RoomLoader & { close(): Promise<void> } {
  const pool = new WorkPool({ storage: options.storage, log: options.log, workers: 1, queue: 10_000, perToken: 10_000, pdfAtOnce: 1, timeoutMs: options.timeoutMs, memoryMb: options.memoryMb })
  return {
    thresholdBytes: options.thresholdBytes ?? LOAD_OFF_LOOP_BYTES,
    async load(name: string): Promise<PreparedDoc | null> {
      const r = await pool.run('loadRoom', { doc: name, pieceBytes: LOAD_PIECE_BYTES }, ROOMS_KEY)
      if (r.status === 404) return null
      if (r.status !== 200 || !r.bytes) throw new Error(`loading ${name} failed: ${JSON.stringify(r.json ?? r.status)}`)
      return unpackPrepared(r.json as LoadRoomJson, new Uint8Array(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength))
    },
    async compact(name: string, structs?: number): Promise<number> {
      const r = await pool.run('compactRoom', { doc: name, structs }, ROOMS_KEY)
      if (r.status !== 200) throw new Error(`compacting ${name} failed: ${JSON.stringify(r.json ?? r.status)}`)
      return (r.json as { rows: number }).rows
    },
    close: () => pool.close()
  }
}
