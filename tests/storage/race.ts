// Runs racer.ts in several processes at once against one meeting and collects their answers: each
// opens its storage and says it is ready; once all are, their standard inputs are closed together.

import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { StorageSpec } from '../../server/storage/open.ts'

const RUN_TS = fileURLToPath(new URL('../../bin/run-ts.js', import.meta.url))
const RACER = fileURLToPath(new URL('./racer.ts', import.meta.url))

/** Starts one racer per entry of `args` (each `[what, doc, arg]`); resolves to their outputs, parsed. Fails after `timeoutMs`. */
export async function race (spec: StorageSpec, args: Array<[string, string, string]>, timeoutMs = 60_000): Promise<unknown[]> {
  const children: ChildProcess[] = []
  let ready = 0
  const timer = setTimeout(() => { for (const c of children) c.kill('SIGKILL') }, timeoutMs)
  try {
    return await Promise.all(args.map(([what, doc, arg]) => new Promise<unknown>((resolve, reject) => {
      const child = spawn(process.execPath, [RUN_TS, RACER, JSON.stringify(spec), what, doc, arg], { stdio: ['pipe', 'pipe', 'pipe'] })
      children.push(child)
      let out = ''
      let err = ''
      child.stdout!.on('data', (d) => { out += d })
      child.stderr!.on('data', (d) => {
        err += d
        if (String(d).includes('ready') && ++ready === args.length) for (const c of children) c.stdin!.end()
      })
      child.on('close', (code) => {
        if (code !== 0) reject(new Error(`racer exited ${code}: ${err}`))
        else resolve(JSON.parse(out))
      })
    })))
  } finally {
    clearTimeout(timer)
  }
}
