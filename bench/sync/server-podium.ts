// Podium under test: startServer on a fresh data directory holding the bench documents, with the
// rate limits raised for a load test from one address, one token per roster delegation (announced
// with the code it speaks for: a typist states only its own delegation's positions) and two pen
// tokens (secretariat, chair) for the editors, which delete others' words.

import { startServer } from '../../server/index.ts'
import { openSqliteStorage } from '../../server/storage/sqlite.ts'
import { serverAttribution } from '../../server/documents.ts'
import { createToken } from '../../server/tokens.ts'
import { DEFAULT_MEETING } from '../../server/config.ts'
import { updateClients } from '../../server/sync/update-meta.ts'
import { announce, childSettings, readUpdates } from './child.ts'

const settings = childSettings()

// Documents are written before the server opens the database, as an earlier session would have left them.
const storage = openSqliteStorage(settings.dataDir, { synchronous: 'normal' })
const [seed] = readUpdates(settings.seedFile)
storage.createDoc('bench', 'Bench', seed, serverAttribution(updateClients(seed)))
if (settings.historyFile) {
  const [first, ...rest] = readUpdates(settings.historyFile)
  storage.createDoc('history', 'History', first, serverAttribution(updateClients(first)))
  for (let i = 0; i < rest.length; i++) {
    storage.append('history', rest[i], { tokenId: null, role: 'chair', delegation: null, identity: 'bench', clientIds: updateClients(rest[i]) })
    // The live server compacts every 500 appends; so does this.
    if ((i + 1) % 500 === 0) storage.compact('history')
  }
  storage.compact('history')
}
storage.close()

const server = await startServer({
  dataDir: settings.dataDir,
  port: 0,
  logLevel: 'silent',
  demo: false,
  cob: false,
  synchronous: settings.synchronous ?? 'full',
  // bench:browser serves another build of the client (an older tree's) from BENCH_CLIENT_DIR.
  ...(process.env.BENCH_CLIENT_DIR ? { clientDir: process.env.BENCH_CLIENT_DIR } : {}),
  limits: {
    // One address and a few tokens stand for a whole venue here.
    upgradesPerSecond: 100_000,
    upgradeBurst: 100_000,
    connectionsPerToken: 100_000,
    messagesPerSecond: 1_000_000,
    messageBurst: 1_000_000
  }
})
const roster = DEFAULT_MEETING.roster
const codes = roster.filter((e) => e.code !== 'CHAIR').map((e) => e.code)
const tokens = codes.map((code) => createToken(server.storage, { role: 'delegation', delegation: code }, roster).token)
const pens = ['secretariat', 'chair'].map((role) => createToken(server.storage, { role, delegation: null }, roster).token)
announce({ port: server.port, tokens, codes, pens }, () => server.close())
