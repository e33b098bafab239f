// A server in a child process (run by tests under `prlimit --nofile=N`, so its descriptor limit is
// real): starts on port 0 with the options given as JSON in argv[2], prints {url, token} (a
// secretariat token) as one line, and runs until killed.

import { startServer } from '../../server/index.ts'
import { createToken } from '../../server/tokens.ts'

const options = JSON.parse(process.argv[2] ?? '{}')
const server = await startServer({ port: 0, logLevel: 'silent', synchronous: 'normal', cob: false, ...options })
const { token } = createToken(server.storage, { role: 'secretariat', delegation: null }, server.meeting.roster)
const chn = createToken(server.storage, { role: 'delegation', delegation: 'CHN' }, server.meeting.roster).token
process.stdout.write(JSON.stringify({ url: server.url, port: server.port, token, chn, maxSockets: (server as unknown as { limits?: unknown }).limits ?? null }) + '\n')
process.on('SIGTERM', () => { void server.close().then(() => process.exit(0)) })
