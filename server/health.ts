// Storage faults made visible and recovered from: a write that fails because the disk is full marks
// the server unhealthy (/healthz answers 503 with the reason), the people connected are told in
// words, updates that arrive meanwhile are held unread (nothing applied, nothing acknowledged, nothing
// lost), and once a probe file can be written again writing resumes by itself.

import { statfsSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from './logger.ts'
import type { Storage } from './storage/types.ts'
import type { CallInFlight } from './storage/append-types.ts'

/** The close reason (≤ 123 bytes) sent to the people connected when the disk fills. */
export const DISK_FULL_REASON = 'the server\'s disk is full: your edits are kept on your device and sent when space returns'

// Free bytes a probe needs before the fault is cleared: room for a burst of typing and a compaction.
const PROBE_BYTES = 1024 * 1024

/** Is `err` a write that failed for want of space (SQLite's SQLITE_FULL, or ENOSPC from the file system)? */
export function isDiskFull(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null
  const code = typeof e?.code === 'string' ? e.code : ''
  return code === 'SQLITE_FULL' || code === 'ENOSPC' || code.startsWith('SQLITE_IOERR') && /space|full/i.test(String(e?.message)) || /database or disk is full|no space left/i.test(String(e?.message))
}

/** The server's storage health. */
export class StorageHealth {
  /** Why writing stopped, in words; null while healthy. */
  fault: string | null = null
  /** When the fault began (ISO). */
  since: string | null = null
  private probe: NodeJS.Timeout | null = null
  private readonly listeners = new Set<() => void>()

  constructor (private readonly dataDir: string, private readonly log: Logger, private readonly probeMs = 1000) {}

  /** Whether storage takes writes now. */
  get writable(): boolean {
    return this.fault === null
  }

  /** Called once writing works again. */
  onRecovered(listener: () => void): void {
    this.listeners.add(listener)
  }

  /** Records a failed write; starts probing for space when it was a full disk. */
  failed(err: unknown): void {
    if (!isDiskFull(err) || this.fault) return
    this.fault = `disk full: writing to ${join(this.dataDir, 'podium.db')} failed (${(err as Error).message}); free space on that disk — writing resumes by itself`
    this.since = new Date().toISOString()
    this.log.error({ dataDir: this.dataDir, err: (err as Error).message }, 'disk full: writes stopped until space returns')
    this.probe = setInterval(() => this.check(), this.probeMs)
    this.probe.unref()
  }

  /** A write succeeded: healthy again. */
  succeeded(): void {
    if (this.fault) this.recover()
  }

  /** Free bytes on the data directory's file system, or null when unknown. */
  freeBytes(): number | null {
    try {
      const s = statfsSync(this.dataDir)
      return Number(s.bavail) * Number(s.bsize)
    } catch {
      return null
    }
  }

  // Writes (and removes) a probe file of PROBE_BYTES next to the database: space is back when it fits.
  private check(): void {
    const file = join(this.dataDir, '.podium-space-probe')
    try {
      writeFileSync(file, Buffer.alloc(PROBE_BYTES))
      unlinkSync(file)
    } catch {
      try { unlinkSync(file) } catch { /* not there */ }
      return
    }
    this.recover()
  }

  private recover(): void {
    if (this.probe) clearInterval(this.probe)
    this.probe = null
    this.log.info({ since: this.since }, 'disk space is back: writing resumes')
    this.fault = null
    this.since = null
    for (const l of this.listeners) l()
  }

  /** Stops probing. */
  stop(): void {
    if (this.probe) clearInterval(this.probe)
    this.probe = null
  }
}

// The Storage methods that write: their failures are watched for a full disk.
const WRITES = ['createDoc', 'append', 'appendMany', 'startAppendMany', 'startCompact', 'compact', 'recordRefusal', 'insertSnapshot', 'insertToken', 'revokeToken', 'setTitle'] as const

// A started write's outcome, watched as a blocking one's is.
function watchSettle<T>(inFlight: CallInFlight<T>, health: StorageHealth): CallInFlight<T> {
  return {
    settle: () => {
      try {
        const ids = inFlight.settle()
        health.succeeded()
        return ids
      } catch (err) {
        health.failed(err)
        throw err
      }
    },
    waitAtMost: (ms) => inFlight.waitAtMost(ms),
    onSettled: (done) => inFlight.onSettled(done)
  }
}

/** Wraps `storage`'s writing methods in place so that a full disk is seen by `health` (errors still thrown). */
export function watchWrites<S extends Storage>(storage: S, health: StorageHealth): S {
  const s = storage as unknown as Record<string, unknown>
  for (const name of WRITES) {
    const original = s[name]
    if (typeof original !== 'function') continue
    s[name] = (...args: unknown[]) => {
      try {
        const result = (original as (...a: unknown[]) => unknown)(...args)
        if (name === 'append' || name === 'appendMany') health.succeeded()
        if (name === 'startAppendMany' || name === 'startCompact') return watchSettle(result as CallInFlight<unknown>, health)
        return result
      } catch (err) {
        health.failed(err)
        throw err
      }
    }
  }
  return storage
}
