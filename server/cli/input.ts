import { validateRoster, type RosterEntry } from '../../shared/roster.ts'
import { CliError } from './main.ts'
import { decodeUtf8, readBytes } from './read-bytes.ts'

// Reading files for the CLI: every expected failure becomes a CliError with one clear line.

/** Reads a UTF-8 text file (or standard input for "-"); throws CliError for a missing file, a directory or invalid UTF-8. */
export function readTextFile(path: string): string {
  return decodeUtf8(readBytes(path), path)
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
