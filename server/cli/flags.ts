// A small flag parser for the server's sub-commands: `--name value`, `--name=value`, booleans.

import { parseArgs } from 'node:util'
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

/** Options of parseCli: node:util parseArgs option definitions. */
export type CliOptions = Record<string, { type: 'string' | 'boolean'; short?: string }>

/**
 * Parses `args` with node:util parseArgs (strict, positionals allowed); an unknown flag or a missing
 * value is a CliError (one line and `help`, exit 2).
 */
export function parseCli(args: string[], options: CliOptions, help: string): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, strict: true, options })
    return { values: values as Record<string, string | boolean | undefined>, positionals }
  } catch (err) {
    throw new CliError(`${(err as Error).message}\n${help}`)
  }
}
