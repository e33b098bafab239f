// One Podium server in a process of its own, for the cluster tests that kill one (SIGKILL) or race
// two: startServer with the options in PODIUM_TEST_CHILD (JSON); PODIUM_TEST_CLOCK_OFFSET_MS shifts
// the COB scheduler's clock (two children given the same offset reach COB at the same instant).
// Prints `{"port":N}` on stdout once listening.

import { startServer, type ServerOptions } from '../../server/index.ts'
import { systemClock } from '../../server/snapshots/scheduler.ts'

const options = JSON.parse(process.env.PODIUM_TEST_CHILD ?? '{}') as ServerOptions
const offset = Number(process.env.PODIUM_TEST_CLOCK_OFFSET_MS ?? '0')
const clock = { ...systemClock, now: () => Date.now() + offset }
const server = await startServer({ logLevel: process.env.PODIUM_TEST_LOG ?? 'silent', ...options, ...(offset ? { cob: { clock } } : {}) })
process.stdout.write(JSON.stringify({ port: server.port }) + '\n')
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0))
})
