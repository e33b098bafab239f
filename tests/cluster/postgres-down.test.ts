// PostgreSQL unreachable under two servers (a TCP proxy of the test's own between the servers and
// the machine's PostgreSQL, cut and restored — the machine's PostgreSQL is never stopped): writers
// are closed 1013 while it is down, nothing they had received back is lost, and writing resumes by
// itself once it is back, every paragraph stored in the end.

import { spawn, type ChildProcess } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WebsocketProvider } from 'y-websocket'
import { CloseCode } from '../../shared/protocol.ts'
import type { RunningServer, ServerOptions } from '../../server/index.ts'
import type { OpenedStorage } from '../../server/storage/open.ts'
import { createToken } from '../../server/tokens.ts'
import { addParagraph, DOC, synced, waitFor } from '../server/helpers.ts'
import { freePort, paragraphTexts, provider, sharedStorage, sleep, startServers, storedDoc, type SharedStorage } from './helpers.ts'

// The proxy runs in a process of its own: the servers in this process call PostgreSQL synchronously
// (their loop waits), so a proxy on this loop could never answer them.
const PROXY = `
const net = require('node:net')
const [port, host, target] = process.argv.slice(1)
net.createServer((client) => {
  const upstream = net.connect(Number(target), host)
  const drop = () => { client.destroy(); upstream.destroy() }
  client.on('error', drop); upstream.on('error', drop)
  client.pipe(upstream); upstream.pipe(client)
}).listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\\n'))
`

/** A TCP proxy to PostgreSQL on `port`: cut() kills it (every connection dropped, new ones refused), open() starts it again. */
class CuttableProxy {
  private child: ChildProcess | null = null
  constructor (readonly port: number, private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    const child = spawn(process.execPath, ['-e', PROXY, String(this.port), this.target.host, String(this.target.port)], { stdio: ['ignore', 'pipe', 'inherit'] })
    this.child = child
    await new Promise<void>((resolve, reject) => {
      child.stdout!.once('data', () => resolve())
      child.once('exit', (code) => reject(new Error(`the proxy exited (${code})`)))
    })
  }

  async cut(): Promise<void> {
    const child = this.child
    this.child = null
    if (!child || child.exitCode !== null) return
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.kill('SIGKILL')
    await exited
  }
}

describe('PostgreSQL becomes unreachable and comes back', () => {
  let shared: SharedStorage
  let storage: OpenedStorage
  let proxy: CuttableProxy
  let servers: RunningServer[] = []
  const providers: WebsocketProvider[] = []

  beforeAll(async () => {
    shared = await sharedStorage()
    storage = shared.open()
    const u = new URL(shared.url)
    proxy = new CuttableProxy(await freePort(), { host: u.hostname, port: Number(u.port || 5432) })
    await proxy.open()
    u.port = String(proxy.port)
    servers = await startServers(2, { ...shared.options, postgres: u.toString() } as Partial<ServerOptions>)
  }, 60_000)

  afterAll(async () => {
    for (const p of providers) p.destroy()
    for (const s of servers) await s.close()
    await proxy?.cut()
    await shared?.cleanup()
  }, 60_000)

  it('refuses writes with 1013 while it is down, loses nothing acknowledged, and resumes by itself', async () => {
    const roster = servers[0].meeting.roster
    const codes: number[] = []
    const writers = servers.map((s) => {
      const p = provider(s.port, DOC, createToken(storage, { role: 'secretariat' }, roster).token)
      p.on('connection-close', (event: CloseEvent | null) => { if (event) codes.push(event.code) })
      providers.push(p)
      return p
    })
    await Promise.all(writers.map((w) => synced(w)))
    const written: string[] = []
    let n = 0
    const writing = setInterval(() => {
      n++
      writers.forEach((w, i) => {
        const text = `w${i}-${n}`
        written.push(text)
        addParagraph(w.doc, text)
      })
    }, 100)
    const receivedBack = () => {
      const out = new Set<string>()
      writers.forEach((w, i) => { for (const t of paragraphTexts(w.doc)) if (/^w\d+-\d+$/.test(t) && !t.startsWith(`w${i}-`)) out.add(t) })
      return out
    }
    let lost: string[] = []
    try {
      await sleep(1000)
      await proxy.cut()
      await sleep(2500)
      // Whatever a writer received back from the other, by now, was stored before it was sent.
      const received = receivedBack()
      const stored = new Set(paragraphTexts(storedDoc(storage, DOC)))
      lost = [...received].filter((t) => !stored.has(t))
      await proxy.open()
      await sleep(1500)
    } finally {
      clearInterval(writing)
    }
    expect(lost).toEqual([])
    expect(codes).toContain(CloseCode.tryAgainLater)
    await waitFor(() => {
      const stored = new Set(paragraphTexts(storedDoc(storage, DOC)))
      return written.every((t) => stored.has(t))
    }, 'every written paragraph stored after PostgreSQL came back', 40_000)
    await waitFor(() => paragraphTexts(writers[0].doc).join('|') === paragraphTexts(writers[1].doc).join('|'), 'both writers to converge', 20_000)
    console.log(`PostgreSQL cut for 2.5 s: ${written.length} paragraphs written, close codes ${JSON.stringify([...new Set(codes)])}, all stored after it came back`)
  }, 120_000)
})
