// A server in a child process (run by tests under `prlimit --nofile=N`, so its descriptor limit is
// real): starts on port 0 with the options given as JSON in argv[2], prints {url, token} (a
// secretariat token) as one line, and runs until killed.

import { readFileSync } from 'node:fs'
import { startServer } from '../../server/index.ts'
import { createToken } from '../../server/tokens.ts'

const options = JSON.parse(process.argv[2] ?? '{}')
const server = await startServer({ port: 0, logLevel: 'silent', synchronous: 'normal', cob: false, ...options })
const { token } = createToken(server.storage, { role: 'secretariat', delegation: null }, server.meeting.roster)
const chn = createToken(server.storage, { role: 'delegation', delegation: 'CHN' }, server.meeting.roster).token
process.stdout.write(JSON.stringify({ url: server.url, port: server.port, token, chn, maxSockets: (server as unknown as { limits?: unknown }).limits ?? null }) + '\n')
process.on('SIGTERM', () => { void server.close().then(() => process.exit(0)) })
// With node --expose-gc: SIGUSR2 collects garbage and prints the resident memory after it, one JSON line.
process.on('SIGUSR2', () => {
  const gc = (globalThis as { gc?: () => void }).gc
  for (let i = 0; i < 3; i++) gc?.()
  setTimeout(() => {
    gc?.()
    const status = readFileSync('/proc/self/status', 'utf8')
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024
    process.stdout.write(JSON.stringify({ rssAnon: kb('RssAnon'), rssFile: kb('RssFile'), rss: process.memoryUsage.rss(), heapUsed: process.memoryUsage().heapUsed, connections: server.hub.connections, persisted: server.metrics.counters.updatesPersisted }) + '\n')
  }, 200)
})
