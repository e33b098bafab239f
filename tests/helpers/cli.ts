import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const BIN = fileURLToPath(new URL('../../bin/podium.js', import.meta.url))

/** Runs the real `podium` command in a child process and returns its exit code and output. */
export function podium(args: string[], input?: string | Buffer): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', timeout: 60_000 })
  if (r.error) throw r.error
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
}
