import { commands } from './commands.ts'
import { storageOpenError } from '../storage/open-error.ts'

// The --data directory of a command's arguments (default ./data), to name the database in an error.
function dataDirOf(args: string[]): string {
  const i = args.findIndex((a) => a === '--data' || a.startsWith('--data='))
  if (i < 0) return './data'
  return args[i].includes('=') ? args[i].slice('--data='.length) : args[i + 1] ?? './data'
}

// The `podium` command line: one sub-command per file in this folder, registered in commands.ts.
// Errors end here: a CliError, RangeError or StorageUnavailableError (PostgreSQL down) becomes one
// line on standard error and exit 2; an IntegrityError (stored data changed after it was written)
// one line and exit 1.

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
    // A database that cannot be opened or read (storage/open-error.ts) is a thing to fix, said in one line.
    const unreadable = err instanceof Error && err.name === 'StorageOpenError' ? err : storageOpenError(dataDirOf(rest), err)
    if (unreadable) {
      process.stderr.write(`podium ${name}: ${unreadable.message}\n`)
      return 2
    }
    if (err instanceof CliError || err instanceof RangeError || (err instanceof Error && err.name === 'StorageUnavailableError')) {
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
