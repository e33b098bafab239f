import { commands } from './commands.ts'

// The `podium` command line: one sub-command per file in this folder, registered in commands.ts.
// Errors end here: a CliError or RangeError becomes one line on standard error and exit 2; an
// IntegrityError (stored data changed after it was written) one line and exit 1.

/** Thrown for an expected failure the user must fix (missing file, bad flag); printed as one line, exit 2. */
export class CliError extends Error {}

const USAGE = `usage: podium <command> [options]
commands: ${Object.keys(commands).sort().join(', ')}
run "podium <command> --help" for a command's options`

/** Runs the CLI with `argv` (without node and script) and resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE + '\n')
    return name ? 0 : 2
  }
  const command = commands[name]
  if (!command) {
    process.stderr.write(`podium: unknown command "${name}"\n${USAGE}\n`)
    return 2
  }
  try {
    return await command(rest)
  } catch (err) {
    if (err instanceof CliError || err instanceof RangeError) {
      process.stderr.write(`podium ${name}: ${err.message}\n`)
      return 2
    }
    // Stored data that no longer matches its hash (a snapshot, a compacted state): broken, not a usage error.
    if (err instanceof Error && err.name === 'IntegrityError') {
      process.stderr.write(`podium ${name}: ${err.message} (see podium verify)\n`)
      return 1
    }
    throw err
  }
}
