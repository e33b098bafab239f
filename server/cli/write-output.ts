import { writeFileSync } from 'node:fs'
import { CliError } from './main.ts'

/**
 * Writes `body` to `target`, or to standard output when no target (or "-") is given. Binary output
 * goes to standard output only when it is not a terminal; otherwise a CliError asks for -o FILE.
 */
export function writeOutput(body: Buffer | string, target: string | undefined, binary: boolean, what: string): void {
  if (target && target !== '-') {
    try {
      writeFileSync(target, body)
    } catch (err) {
      throw new CliError(`${target}: cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`)
    }
    return
  }
  if (binary && process.stdout.isTTY) throw new CliError(`${what} is binary and standard output is a terminal: give -o FILE (or pipe it)`)
  process.stdout.write(body)
}
