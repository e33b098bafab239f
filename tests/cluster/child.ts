// One Podium server in a process of its own, for the cluster tests that kill one (SIGKILL): startServer
// with the options in PODIUM_TEST_CHILD (JSON); prints `{"port":N}` on stdout once listening.

import { startServer, type ServerOptions } from '../../server/index.ts'

const options = JSON.parse(process.env.PODIUM_TEST_CHILD ?? '{}') as ServerOptions
const server = await startServer({ logLevel: process.env.PODIUM_TEST_LOG ?? 'silent', ...options })
process.stdout.write(JSON.stringify({ port: server.port }) + '\n')
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0))
})
