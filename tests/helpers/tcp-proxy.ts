// A loopback TCP proxy in a worker thread, to stand between Podium and PostgreSQL in tests: it can
// go down (every connection cut, new ones refused), hang (bytes no longer forwarded) and come back
// on the same port — without touching the machine's PostgreSQL, which others use. It runs in its
// own thread because a storage call blocks the test's thread while it waits for the database.

import { Worker } from 'node:worker_threads'

const CODE = `
const net = require('node:net')
const { parentPort, workerData } = require('node:worker_threads')
let mode = 'up'
let server = null
let lastPort = 0
const pairs = new Set()
function listen (port) {
  return new Promise((resolve, reject) => {
    server = net.createServer((client) => {
      if (mode !== 'up') { if (mode === 'down') client.destroy(); else pairs.add([client, null]); return }
      const upstream = net.connect(workerData.target, '127.0.0.1')
      const pair = [client, upstream]
      pairs.add(pair)
      const end = () => { client.destroy(); upstream.destroy(); pairs.delete(pair) }
      client.on('error', end); upstream.on('error', end); client.on('close', end); upstream.on('close', end)
      client.on('data', (d) => { if (mode === 'up') upstream.write(d) })
      upstream.on('data', (d) => { if (mode === 'up') client.write(d) })
    })
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => { lastPort = server.address().port; resolve(lastPort) })
  })
}
parentPort.on('message', async ({ id, op }) => {
  if (op === 'start') return parentPort.postMessage({ id, port: await listen(0) })
  if (op === 'hang') { mode = 'hang'; return parentPort.postMessage({ id }) }
  if (op === 'down' || op === 'close') {
    mode = 'down'
    for (const [a, b] of pairs) { a.destroy(); if (b) b.destroy() }
    pairs.clear()
    const port = server.address().port
    await new Promise((r) => server.close(() => r()))
    parentPort.postMessage({ id, port })
    if (op === 'close') process.exit(0)
    return
  }
  if (op === 'up') {
    mode = 'up'
    for (const [a, b] of pairs) { a.destroy(); if (b) b.destroy() }
    pairs.clear()
    if (!server.listening) await listen(lastPort)
    return parentPort.postMessage({ id })
  }
})
`

/** A running proxy to 127.0.0.1:`target`. */
export interface TcpProxy {
  /** The loopback port it listens on (kept across down/up). */
  port: number
  /** Cuts every connection and stops listening (connection refused). */
  down(): Promise<void>
  /** Keeps connections open but forwards nothing (a database that no longer answers). */
  hang(): Promise<void>
  /** Forwards again (on the same port), dropping connections left from a hang. */
  up(): Promise<void>
  /** Ends it. */
  close(): Promise<void>
}

/** Starts a proxy on a free loopback port forwarding to 127.0.0.1:`target`. */
export async function startTcpProxy (target: number): Promise<TcpProxy> {
  const worker = new Worker(CODE, { eval: true, workerData: { target } })
  let next = 0
  const ask = (op: string) => new Promise<{ port?: number }>((resolve) => {
    const id = ++next
    const on = (m: { id: number; port?: number }) => { if (m.id === id) { worker.off('message', on); resolve(m) } }
    worker.on('message', on)
    worker.postMessage({ id, op })
  })
  const port = (await ask('start')).port!
  return {
    port,
    down: async () => { await ask('down') },
    hang: async () => { await ask('hang') },
    up: async () => { await ask('up') },
    close: async () => { await ask('close').catch(() => {}); await worker.terminate() }
  }
}
