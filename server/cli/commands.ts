// The registry of `podium` sub-commands. Each entry takes its arguments and resolves to an exit code.

/** A sub-command: its arguments after the command name, resolving to the process exit code. */
export type Command = (args: string[]) => Promise<number>

/** Every sub-command by name. Loaded lazily so `podium status` does not load the server. */
export const commands: Record<string, Command> = {
  audit: async (args) => (await import('./audit.ts')).audit(args),
  backup: async (args) => (await import('./backup.ts')).backup(args),
  compare: async (args) => (await import('./snapshots.ts')).compareCommand(args),
  convert: async (args) => (await import('./convert.ts')).convert(args),
  export: async (args) => (await import('./export.ts')).exportCommand(args),
  import: async (args) => (await import('./import.ts')).importCommand(args),
  migrate: async (args) => (await import('./migrate.ts')).migrate(args),
  snapshot: async (args) => (await import('./snapshots.ts')).snapshot(args),
  snapshots: async (args) => (await import('./snapshots.ts')).snapshots(args),
  status: async (args) => (await import('./status.ts')).status(args),
  'restore-backup': async (args) => (await import('./backup.ts')).restoreBackup(args),
  serve: async (args) => (await import('./serve.ts')).serve(args),
  token: async (args) => (await import('./token.ts')).token(args),
  verify: async (args) => (await import('./verify.ts')).verify(args)
}
