import { readFileSync, statSync } from 'node:fs'
import { validateRoster, type RosterEntry } from '../../shared/roster.ts'
import { CliError } from './main.ts'

// Reading files for the CLI: every expected failure becomes a CliError with one clear line.

/** Reads a UTF-8 text file (or standard input for "-"); throws CliError for a missing file, a directory or invalid UTF-8. */
export function readTextFile(path: string): string {
  let bytes: Buffer
  try {
    if (path === '-') bytes = readFileSync(0)
    else {
      const st = statSync(path)
      if (st.isDirectory()) throw new CliError(`${path} is a directory, not a file`)
      bytes = readFileSync(path)
    }
  } catch (err) {
    if (err instanceof CliError) throw err
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new CliError(`${path}: no such file`)
    if (code === 'EACCES') throw new CliError(`${path}: permission denied`)
    throw new CliError(`${path}: cannot read (${code ?? (err as Error).message})`)
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new CliError(`${path === '-' ? 'standard input' : path} is not valid UTF-8 text`)
  }
}

/** Reads a roster file (a JSON list of {code, name, colour}); throws CliError naming what is wrong. */
export function readRosterFile(path: string): RosterEntry[] {
  const text = readTextFile(path)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw new CliError(`${path}: not JSON (${(err as Error).message})`)
  }
  try {
    return validateRoster(value)
  } catch (err) {
    throw new CliError(`${path}: ${(err as Error).message}`)
  }
}
