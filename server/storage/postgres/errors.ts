// Errors across the bridge: the worker sends an error as plain data; the caller's thread rebuilds
// the class it had (FencedError, IntegrityError, RangeError, StorageUnavailableError,
// StorageOpenError), so callers catch PostgreSQL's errors exactly as SQLite's. Connection failures
// become StorageUnavailableError; a wrong user, password or database StorageOpenError.

import { IntegrityError } from '../chain.ts'
import { FencedError, StorageUnavailableError } from '../types.ts'
import { StorageOpenError } from '../open-error.ts'

/** An error as the worker sends it. */
export interface WireError {
  name: string
  message: string
  code?: string
  doc?: string
  fence?: number
}

// Node's socket errors and PostgreSQL's classes 08 (connection exception) and 57P (operator
// intervention: shutdown, cannot connect now), and pg's own messages for a lost or slow connection.
const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE'])
const LOST = /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Connection terminated unexpectedly|the database system is (starting up|shutting down|in recovery mode)/i

/** True when `err` (from `pg`) means the database cannot be reached, rather than that the request was wrong. */
export function isUnavailable (err: unknown): boolean {
  const code = String((err as { code?: unknown })?.code ?? '')
  if (NET_CODES.has(code) || code.startsWith('08') || code.startsWith('57P')) return true
  return LOST.test(String((err as Error)?.message ?? ''))
}

// Class 28 (invalid authorization: wrong user or password) and 3D000 (no such database): the URL is
// wrong, not the database down — said in one line, like a damaged SQLite file (StorageOpenError).
const REFUSED = (code: string) => code.startsWith('28') || code === '3D000'

/** `err` as data for postMessage. */
export function toWire (err: unknown, where: string): WireError {
  if (isUnavailable(err)) return { name: 'StorageUnavailableError', message: `PostgreSQL at ${where} is unavailable: ${(err as Error).message}` }
  if (REFUSED(String((err as { code?: unknown })?.code ?? ''))) return { name: 'StorageOpenError', message: `PostgreSQL at ${where} refused the connection: ${(err as Error).message}; check the user, password and database in the URL` }
  const e = err as Error & { code?: unknown; doc?: unknown; fence?: unknown }
  return {
    name: e?.name ?? 'Error',
    message: String(e?.message ?? err),
    code: typeof e?.code === 'string' ? e.code : undefined,
    doc: typeof e?.doc === 'string' ? e.doc : undefined,
    fence: typeof e?.fence === 'number' ? e.fence : undefined
  }
}

/** The Error to throw for a WireError. */
export function fromWire (w: WireError): Error {
  let err: Error
  if (w.name === 'FencedError') err = new FencedError(w.doc ?? '', w.fence ?? 0)
  else if (w.name === 'StorageUnavailableError') err = new StorageUnavailableError(w.message)
  else if (w.name === 'IntegrityError') err = new IntegrityError(w.message)
  else if (w.name === 'StorageOpenError') err = new StorageOpenError(w.message)
  else if (w.name === 'RangeError') err = new RangeError(w.message)
  else {
    err = new Error(w.message)
    if (w.name !== 'Error') err.name = w.name
  }
  if (w.code !== undefined) (err as Error & { code: string }).code = w.code
  return err
}
