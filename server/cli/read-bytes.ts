import { readFileSync, statSync } from 'node:fs'
import { CliError } from './main.ts'

// Reading a file to convert or import as bytes: it may be a Word document, not text.

/** Reads `path` (or standard input for "-") as bytes; throws CliError for a missing file, a directory or a read error. */
export function readBytes(path: string): Uint8Array {
  try {
    if (path === '-') return readFileSync(0)
    if (statSync(path).isDirectory()) throw new CliError(`${path} is a directory, not a file`)
    return readFileSync(path)
  } catch (err) {
    if (err instanceof CliError) throw err
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new CliError(`${path}: no such file`)
    if (code === 'EACCES') throw new CliError(`${path}: permission denied`)
    throw new CliError(`${path}: cannot read (${code ?? (err as Error).message})`)
  }
}

/** Decodes UTF-8 strictly; throws CliError naming the input when the bytes are not UTF-8. */
export function decodeUtf8(bytes: Uint8Array, path: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new CliError(`${path === '-' ? 'standard input' : path} is not valid UTF-8 text`)
  }
}
