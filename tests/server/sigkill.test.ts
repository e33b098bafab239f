import { spawn, type ChildProcess } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import { FRAGMENT_NAME, newYDoc } from '../../shared/ydoc.ts'
import { addParagraph, cleanupDirs, synced, tempDir, waitFor } from './helpers.ts'

const children: ChildProcess[] = []
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  cleanupDirs()
})

interface Child { proc: ChildProcess; port: number; links: Map<string, string> }

// Starts `podium serve --port 0` and reads its port (and first-start links) from standard output.
async function serve(dataDir: string): Promise<Child> {
  const proc = spawn(process.execPath, ['bin/podium.js', 'serve', '--port', '0', '--data', dataDir], {
    cwd: process.cwd(),
    env: { ...process.env, PODIUM_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  children.push(proc)
  let out = ''
  proc.stdout!.on('data', (d) => { out += d })
  await waitFor(() => /listening on http:\/\/127\.0\.0\.1:\d+/.test(out) && (out.includes('Podium screen') || !out.includes('Created the demo')), 'server start', 20_000)
  await new Promise((r) => setTimeout(r, 50))
  const port = Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)![1])
  const links = new Map<string, string>()
  for (const m of out.matchAll(/^\s+(\S+).*\?token=(\S+)$/gm)) links.set(m[1], decodeURIComponent(m[2]))
  return { proc, port, links }
}

function provider(port: number, token: string): WebsocketProvider {
  return new WebsocketProvider(`ws://127.0.0.1:${port}/sync`, 'astana-statement', newYDoc(), { params: { token }, WebSocketPolyfill: WebSocket as never, disableBc: true })
}

function paragraphsOf(ydoc: Y.Doc): Set<string> {
  return new Set((ydoc.getXmlFragment(FRAGMENT_NAME).toString().match(/burst \d+/g) ?? []))
}

describe('SIGKILL in the middle of a burst of edits', () => {
  it('loses nothing any other client had received', async () => {
    const dataDir = tempDir()
    const first = await serve(dataDir)
    const ind = first.links.get('IND')!
    const observerToken = first.links.get('Podium')!
    expect(ind).toBeTruthy()
    expect(observerToken).toBeTruthy()
    const writer = provider(first.port, ind)
    const reader = provider(first.port, observerToken)
    await Promise.all([synced(writer), synced(reader)])

    let killed = false
    const burst = (async () => {
      for (let i = 0; i < 2000 && !killed; i++) {
        addParagraph(writer.doc, `burst ${i}`)
        if (i % 5 === 0) await new Promise((r) => setImmediate(r))
      }
    })()
    await waitFor(() => paragraphsOf(reader.doc).size >= 150, 'reader receives part of the burst', 20_000)
    first.proc.kill('SIGKILL')
    killed = true
    await burst
    await waitFor(() => !reader.wsconnected, 'reader disconnected')
    const seen = paragraphsOf(reader.doc)
    writer.destroy()
    reader.destroy()
    expect(seen.size).toBeGreaterThanOrEqual(150)
    expect(paragraphsOf(writer.doc).size).toBeGreaterThan(seen.size - 1)

    const second = await serve(dataDir)
    const check = provider(second.port, observerToken)
    await synced(check)
    const stored = paragraphsOf(check.doc)
    const missing = [...seen].filter((p) => !stored.has(p))
    if (process.env.PODIUM_TEST_VERBOSE) console.log({ seen: seen.size, wrote: paragraphsOf(writer.doc).size, stored: stored.size })
    expect(missing).toEqual([])
    check.destroy()
    second.proc.kill('SIGTERM')
    await new Promise((r) => second.proc.once('exit', r))
    expect(second.proc.exitCode).toBe(0)
  })
})
