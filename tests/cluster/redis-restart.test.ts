// Redis restarts under two servers (a redis-server of the test's own, on a free port — never the
// machine's): nothing written is lost, and fan-out between the servers resumes by itself.

import { spawn, type ChildProcess } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WebsocketProvider } from 'y-websocket'
import type { RunningServer } from '../../server/index.ts'
import { createToken } from '../../server/tokens.ts'
import { addParagraph, DOC, synced, waitFor } from '../server/helpers.ts'
import { freePort, paragraphTexts, provider, sharedStorage, sleep, startServers, storedDoc, waitForPort, type SharedStorage } from './helpers.ts'

function startRedis(port: number): ChildProcess {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  child.once('error', () => {})
  return child
}

async function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGKILL')
  await exited
}

describe('Redis restarts', () => {
  let shared: SharedStorage
  let servers: RunningServer[] = []
  let redis: ChildProcess
  let port = 0
  const providers: WebsocketProvider[] = []

  beforeAll(async () => {
    port = await freePort()
    redis = startRedis(port)
    await waitForPort(port)
    shared = await sharedStorage()
    servers = await startServers(2, shared.options, { redis: `redis://127.0.0.1:${port}` })
  }, 60_000)

  afterAll(async () => {
    for (const p of providers) p.destroy()
    for (const s of servers) await s.close()
    if (redis) await stopRedis(redis)
    await shared?.cleanup()
  }, 30_000)

  it('loses nothing and fans out again once it is back', async () => {
    const roster = servers[0].meeting.roster
    const writers = servers.map((s) => {
      const p = provider(s.port, DOC, createToken(s.storage, { role: 'secretariat' }, roster).token)
      providers.push(p)
      return p
    })
    await Promise.all(writers.map((w) => synced(w)))
    const written: string[] = []
    const write = (tag: string) => writers.forEach((w, i) => {
      const text = `${tag} from server ${i}`
      written.push(text)
      addParagraph(w.doc, text)
    })
    const everywhere = (texts: string[]) => writers.every((w) => texts.every((t) => paragraphTexts(w.doc).includes(t)))
    write('before')
    await waitFor(() => everywhere(written), 'fan-out before the restart')

    await stopRedis(redis)
    for (let i = 0; i < 5; i++) {
      write(`during ${i}`)
      await sleep(100)
    }
    await sleep(500)
    redis = startRedis(port)
    await waitForPort(port)
    const back = Date.now()
    write('after')
    await waitFor(() => everywhere(written), 'fan-out after the restart', 15_000)
    console.log(`Redis restart: every paragraph on both servers' clients ${Date.now() - back} ms after Redis was back`)
    const stored = paragraphTexts(storedDoc(shared.open(), DOC))
    expect(written.filter((t) => !stored.includes(t))).toEqual([])
    expect(paragraphTexts(writers[0].doc)).toEqual(paragraphTexts(writers[1].doc))
  }, 40_000)
})
