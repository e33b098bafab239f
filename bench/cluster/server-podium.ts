// Podium under the cluster benchmark, one child process: startServer on SQLite (a fresh data
// directory) or, with `postgres` and `redis`, on PostgreSQL + Redis as one of several identical
// servers. Rate limits raised as in bench/sync/server-podium.ts (one address and a few tokens stand
// for a venue). Creates, when missing, the documents `bench` (the writers') and `screen` (the pen's,
// followed by the observers), and announces its tokens: one per roster delegation with its code,
// the two pen tokens, and an observer token. Tokens live in the shared storage, so any server's work
// on every server of a cluster.

import { startServer, type ServerOptions } from '../../server/index.ts'
import { serverAttribution } from '../../server/documents.ts'
import { createToken } from '../../server/tokens.ts'
import { DEFAULT_MEETING } from '../../server/config.ts'
import { updateClients } from '../../server/sync/update-meta.ts'
import { announce, readUpdates } from '../sync/child.ts'
import { clusterServerOptions } from './cluster-options.ts'

/** What the runner passes in BENCH_CLUSTER_SERVER. */
export interface PodiumChildSettings {
  seedFile: string
  dataDir: string
  /** PostgreSQL URL (with ?schema=) and Redis URL: a cluster member; absent: SQLite. */
  postgres?: string
  redis?: string
  /** This server's name in the cluster (the lease holder it shows as). */
  name: string
}

const settings = JSON.parse(process.env.BENCH_CLUSTER_SERVER ?? '{}') as PodiumChildSettings
const options: ServerOptions = {
  dataDir: settings.dataDir,
  port: 0,
  logLevel: process.env.BENCH_LOG_LEVEL ?? 'silent',
  demo: false,
  cob: false,
  limits: {
    upgradesPerSecond: 100_000,
    upgradeBurst: 100_000,
    connectionsPerToken: 100_000,
    messagesPerSecond: 1_000_000,
    messageBurst: 1_000_000
  },
  ...(settings.postgres ? clusterServerOptions(settings.postgres, settings.redis!, settings.name) : {})
}
const server = await startServer(options)
const [seed] = readUpdates(settings.seedFile)
for (const [name, title] of [['bench', 'Bench'], ['screen', 'Podium screen']]) {
  if (!server.storage.getDoc(name)) server.storage.createDoc(name, title, seed, serverAttribution(updateClients(seed)))
}
const roster = DEFAULT_MEETING.roster
const codes = roster.filter((e) => e.code !== 'CHAIR').map((e) => e.code)
const tokens = codes.map((code) => createToken(server.storage, { role: 'delegation', delegation: code }, roster).token)
const pens = ['secretariat', 'chair'].map((role) => createToken(server.storage, { role, delegation: null }, roster).token)
const observers = [createToken(server.storage, { role: 'observer', delegation: null }, roster).token]
announce({ port: server.port, tokens, codes, pens, observers, name: settings.name, storage: 'where' in server.storage ? 'postgres' : 'sqlite' }, () => server.close())
