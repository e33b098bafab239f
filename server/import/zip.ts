import { Unzip, UnzipInflate, type UnzipFile } from 'fflate'
import { ZIP_LIMITS, type ZipLimits } from './limits.ts'

// Reads chosen entries of a zip with fflate's streaming unzip, counting bytes as they are inflated:
// one entry's size, the total over all entries, the number of entries and the time are bounded as
// the bytes come out (sizes in headers are never trusted). Entries not asked for are not inflated.

/** Why a zip could not be read within its bounds (a zip bomb, a broken archive). */
export class ZipLimitError extends Error {}

/** A broken archive. */
export class ZipFormatError extends Error {}

/**
 * Inflates the entries whose names `want` accepts; returns them by name, plus every entry name seen.
 * Throws ZipLimitError when a bound is passed, ZipFormatError when the archive is not readable.
 */
export function readZip(bytes: Uint8Array, want: (name: string) => boolean, limits: ZipLimits = ZIP_LIMITS): { files: Map<string, Uint8Array>; names: string[] } {
  const started = Date.now()
  const files = new Map<string, Uint8Array>()
  const names: string[] = []
  let total = 0
  let failure: Error | null = null
  const unzip = new Unzip()
  unzip.register(UnzipInflate)
  unzip.onfile = (file: UnzipFile) => {
    if (failure) return
    names.push(file.name)
    if (names.length > limits.entries) { failure = new ZipLimitError(`it holds more than ${limits.entries} entries`); return }
    if (!want(file.name) || file.name.endsWith('/')) return
    const chunks: Uint8Array[] = []
    let size = 0
    file.ondata = (err, data, final) => {
      if (failure) return
      if (err) { failure = new ZipFormatError(`${file.name}: ${err.message}`); return }
      size += data.length
      total += data.length
      if (size > limits.entryBytes) { failure = new ZipLimitError(`${file.name} unpacks to more than ${limits.entryBytes} bytes`); file.terminate(); return }
      if (total > limits.totalBytes) { failure = new ZipLimitError(`its parts unpack to more than ${limits.totalBytes} bytes in all`); file.terminate(); return }
      if (Date.now() - started > limits.ms) { failure = new ZipLimitError(`unpacking took more than ${limits.ms / 1000} s`); file.terminate(); return }
      chunks.push(data)
      if (final) files.set(file.name, concat(chunks, size))
    }
    try {
      file.start()
    } catch (err) {
      failure ??= new ZipFormatError(`${file.name}: ${(err as Error).message}`)
    }
  }
  // Pushed in slices so that the bounds are checked while inflating, not after.
  const SLICE = 64 * 1024
  try {
    for (let at = 0; at < bytes.length && !failure; at += SLICE) {
      unzip.push(bytes.subarray(at, Math.min(bytes.length, at + SLICE)), at + SLICE >= bytes.length)
      if (Date.now() - started > limits.ms) failure ??= new ZipLimitError(`unpacking took more than ${limits.ms / 1000} s`)
    }
  } catch (err) {
    if (!failure) failure = err instanceof ZipLimitError ? err : new ZipFormatError((err as Error).message)
  }
  if (failure) throw failure
  return { files, names }
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]
  const out = new Uint8Array(size)
  let at = 0
  for (const c of chunks) { out.set(c, at); at += c.length }
  return out
}
