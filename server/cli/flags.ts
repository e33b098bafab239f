// A small flag parser for the server's sub-commands: `--name value`, `--name=value`, booleans.

import { CliError } from './main.ts'

/** Parsed flags and the positional arguments left over. */
export interface Parsed {
  flags: Map<string, string | true>
  positional: string[]
}

/**
 * Parses `args` given the flags that take a value and those that do not. Throws a CliError for
 * an unknown flag or a missing value.
 */
export function parseFlags(args: readonly string[], withValue: readonly string[], booleans: readonly string[] = ['help']): Parsed {
  const flags = new Map<string, string | true>()
  const positional: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (arg === '-h') {
      flags.set('help', true)
      continue
    }
    if (!arg.startsWith('--')) {
      positional.push(arg)
      continue
    }
    const eq = arg.indexOf('=')
    const name = arg.slice(2, eq < 0 ? undefined : eq)
    if (withValue.includes(name)) {
      const value = eq < 0 ? args[++i] : arg.slice(eq + 1)
      if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new CliError(`--${name} needs a value`)
      flags.set(name, value)
    } else if (booleans.includes(name) && eq < 0) {
      flags.set(name, true)
    } else {
      throw new CliError(`unknown option --${name}`)
    }
  }
  return { flags, positional }
}

/** The string value of a flag, or `fallback`. */
export function stringFlag(parsed: Parsed, name: string, fallback?: string): string | undefined {
  const v = parsed.flags.get(name)
  return typeof v === 'string' ? v : fallback
}
