// The Podium server: one HTTP server for the built client, the REST API, websocket sync,
// health and metrics, over one SQLite database in the data directory.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { Paths } from '../shared/protocol.ts'
import { DEFAULT_MEETING, type MeetingConfig } from './config.ts'
import { DEMO_DOC, seedDemo } from './demo.ts'
import { handleApi } from './http/api.ts'
import { send } from './http/respond.ts'
import { serveClient } from './http/static.ts'
import { resolveLimits, type Limits } from './limits.ts'
import { createLogger, type Logger } from './logger.ts'
import { Metrics } from './metrics.ts'
import { IntegrityError } from './storage/chain.ts'
import type { IntegrityCheck } from './storage/sqlite.ts'
import { describeStorage, openStorage, type StorageSpec } from './storage/open.ts'
import type { Storage } from './storage/types.ts'
import { Hub } from './sync/hub.ts'
import { startServerCob } from './snapshots/cob-server.ts'
import type { Clock } from './snapshots/scheduler.ts'
import { WorkPool } from './work/pool.ts'
import { createRoomLoader } from './work/room-loader.ts'
import { DocList } from './http/doc-list.ts'
import { SocketGuard } from './sockets.ts'
import { StorageHealth, watchWrites } from './health.ts'
import { storageOpenError } from './storage/open-error.ts'
import { authenticate } from './tokens.ts'
import { SESSION_HEADER, sessionPrincipal } from './http/session.ts'
import { startCluster, type Cluster } from './cluster/index.ts'
import { resolve as resolvePath } from 'node:path'
import { LiveRoster } from './roster.ts'
import { ROSTER_POLL_MS } from '../shared/limits.ts'

/** Options of startServer. Only `dataDir` (or `postgres`) is required. */
export interface ServerOptions {
  /** Directory holding podium.db (created when missing); required unless `postgres` is given. */
  dataDir?: string
  /**
   * The meeting in PostgreSQL instead (`--postgres URL`, PODIUM_POSTGRES_URL):
   * `postgres://user@host:5432/db`, optionally `?schema=NAME`. Given, `dataDir` is not used for storage.
   */
  postgres?: string
  /** TCP port; 0 picks a free one. Default 1234. */
  port?: number
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string
  /** The meeting; default DEFAULT_MEETING. */
  meeting?: MeetingConfig
  /** The built client; default dist/client of this package. */
  clientDir?: string
  /** Create the demo meeting on an empty data directory. Default true. */
  demo?: boolean
  /** pino level; default from PODIUM_LOG_LEVEL, silent under vitest, else info. */
  logLevel?: string
  /** A logger to use instead of creating one. */
  logger?: Logger
  /** Overrides of DEFAULT_LIMITS. */
  limits?: Partial<Limits>
  /** How long an empty document stays loaded, in ms. Default 30 000. */
  idleUnloadMs?: number
  /** Compact a document's log after this many appends, even under steady typing. Default 5 000. */
  compactEvery?: number
  /** Compact a document's log once nothing has been appended for this long, in ms. Default 2 000. */
  compactIdleMs?: number
  /** How often every open connection's token is re-checked, in ms. Default 5 000. */
  tokenRecheckMs?: number
  /** How often the revocation stamp and open connections' expiries are checked, in ms. Default 250. */
  revocationPollMs?: number
  /** Take COB snapshots at the meeting's COB time (default true); tests pass a fake clock. */
  cob?: boolean | { clock: Clock }
  /** SQLite synchronous mode: `full` (default) or `normal`. */
  synchronous?: 'full' | 'normal'
  /**
   * Start even when the stored hash chains are broken (`podium serve --allow-broken`). Default false:
   * startServer rejects with an IntegrityError naming the first broken link.
   */
  allowBrokenChain?: boolean
  /**
   * Cluster mode (`--redis URL`, PODIUM_REDIS_URL): several servers share the database (PostgreSQL,
   * or one SQLite directory on one machine) and exchange updates through this Redis; see
   * docs/cluster.md. Absent: this server alone, exactly as without it.
   */
  redis?: string
  /** This server's id in a cluster (`--server-id`); random when absent. */
  serverId?: string
}

/** A sign-in link printed on first start. */
export interface SignInLink {
  role: string
  delegation: string | null
  label: string
  token: string
  url: string
}

/** A running server. */
export interface RunningServer {
  port: number
  /** `http://host:port`. */
  url: string
  /** The meeting; its roster is `roster.entries`, live. */
  meeting: MeetingConfig
  /** The roster as edited from the meeting home. */
  roster: LiveRoster
  storage: Storage
  hub: Hub
  /** The cluster runtime in cluster mode, else null. */
  cluster: Cluster | null
  metrics: Metrics
  log: Logger
  /** The demo's sign-in links when this start created the demo meeting, else null. */
  demoLinks: SignInLink[] | null
  /** Stops accepting, closes every connection (1001), compacts and closes storage. Idempotent. */
  close(): Promise<void>
}

// The tamper-evidence check on start: every chain re-hashed (snapshots against their seals, not re-serialised).
function checkChains(storage: IntegrityCheck, options: ServerOptions, log: Logger): void {
  const started = performance.now()
  const report = storage.verify()
  const ms = Math.round(performance.now() - started)
  if (report.ok) return log.info({ ms, ...report.checked }, 'hash chains intact')
  const first = report.problems[0]
  const line = `${first.where}: ${first.message}${report.problems.length > 1 ? ` (and ${report.problems.length - 1} more)` : ''}`
  if (options.allowBrokenChain) return log.error({ problems: report.problems }, `starting with a broken chain (allowed): ${line}`)
  throw new IntegrityError(`broken chain: ${line}; run "podium verify" for the full report, or start with --allow-broken`)
}

/**
 * The storage startServer opens: PostgreSQL when `options.postgres` is given, else the data
 * directory (SQLite). Throws RangeError when neither is a non-empty string.
 */
export function serverStorageSpec(options: Pick<ServerOptions, 'dataDir' | 'postgres' | 'synchronous'>): StorageSpec {
  if (typeof options?.postgres === 'string' && options.postgres) return { postgres: options.postgres }
  if (options?.postgres !== undefined) throw new RangeError(`postgres ${JSON.stringify(options.postgres)} is not a PostgreSQL URL`)
  if (typeof options?.dataDir !== 'string' || !options.dataDir) throw new RangeError(`dataDir ${JSON.stringify(options?.dataDir)} is not a directory path`)
  return { dataDir: options.dataDir, synchronous: options.synchronous }
}

/** The client build served by default: dist/client at the package root. */
export const DEFAULT_CLIENT_DIR = fileURLToPath(new URL('../dist/client', import.meta.url))

/**
 * Opens storage, checks its hash chains, seeds the demo meeting on an empty data directory, and
 * listens. Resolves once listening; rejects when the port is taken, storage cannot be opened, or a
 * chain is broken without `allowBrokenChain` (an IntegrityError; nothing left running).
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const spec = serverStorageSpec(options)
  const port = options.port ?? 1234
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port ${JSON.stringify(port)} is not 0–65535`)
  const host = options.host ?? '127.0.0.1'
  const configured = options.meeting ?? DEFAULT_MEETING
  const limits = resolveLimits(options.limits)
  const log = options.logger ?? createLogger(options.logLevel)
  const clientDir = options.clientDir ?? DEFAULT_CLIENT_DIR

  // A damaged or foreign SQLite file: one line naming it and what to do (podium serve exits 2).
  const openError = (err: unknown) => (spec.dataDir !== undefined ? storageOpenError(spec.dataDir, err) : null) ?? err
  let storage
  try {
    // The loop's own connection writes no snapshot (REST and COB snapshots are taken in the work pool);
    // should one ever be written here, its pieces go without pauses (SqliteOptions.pieceGaps): a pause
    // would be a sleep of this very loop, stalling the appends it is meant to let in.
    storage = openStorage(spec.dataDir !== undefined ? { ...spec, pieceGaps: false } : spec)
  } catch (err) {
    throw openError(err)
  }
  for (const warning of storage.openWarnings) log.warn({ storage: describeStorage(spec) }, warning)
  let demo
  let roster: LiveRoster
  let meeting: MeetingConfig
  try {
    // The roster as edited from the meeting home, merged over the configured one; one live array.
    roster = new LiveRoster(storage, configured.roster, (message) => log.warn(message))
    meeting = { ...configured, roster: roster.entries }
    checkChains(storage, options, log)
    demo = options.demo === false ? null : seedDemo(storage, meeting)
  } catch (err) {
    storage.close()
    throw openError(err)
  }
  // The disk-full probe is for an embedded database; PostgreSQL's failures are StorageUnavailableError.
  const health = new StorageHealth(spec.dataDir ?? process.cwd(), log)
  watchWrites(storage, health)
  let hub: Hub | undefined
  // Filled in once they exist (the pool and the socket guard are made after the hub).
  let workRef: WorkPool | undefined
  let guardRef: SocketGuard | undefined
  const metrics = new Metrics({
    connections: () => hub?.connections ?? 0,
    docsLoaded: () => hub?.rooms.size ?? 0,
    bytesStored: () => storage.bytesStored(),
    work: () => ({ running: workRef?.running ?? 0, queued: workRef?.queued ?? 0 }),
    sockets: () => ({ open: guardRef?.size ?? 0, max: limits.maxSockets }),
    diskFull: () => (health.fault ? 1 : 0)
  })
  // Large documents are built (and compacted) in a worker thread of their own, off the sync loop.
  const loader = createRoomLoader({ storage: spec, log, timeoutMs: limits.workTimeoutMs, memoryMb: Math.max(limits.workMemoryMb, 2048) })
  let cluster: Cluster | null = null
  if (options.redis) {
    try {
      // Channels are named after the shared database, so clusters on different databases never mix.
      const shared = (options as { postgres?: string }).postgres ?? resolvePath(options.dataDir ?? '.')
      cluster = await startCluster({ redisUrl: options.redis, serverId: options.serverId, storageKey: shared, storage, log, metrics })
    } catch (err) {
      await loader.close()
      health.stop()
      metrics.stop()
      storage.close()
      throw err
    }
  }
  hub = new Hub({
    cluster: cluster ?? undefined,
    loader,
    storage,
    metrics,
    log,
    limits,
    idleUnloadMs: options.idleUnloadMs ?? 30_000,
    compactEvery: options.compactEvery ?? 5_000,
    compactIdleMs: options.compactIdleMs ?? 2_000,
    tokenRecheckMs: options.tokenRecheckMs ?? 5_000,
    revocationPollMs: options.revocationPollMs ?? 250,
    roster: meeting.roster,
    health
  })
  const defaultDoc = storage.getDoc(DEMO_DOC.name) ? DEMO_DOC.name : storage.listDocs()[0]?.name ?? DEMO_DOC.name
  const work = new WorkPool({
    storage: spec,
    log,
    workers: limits.workers,
    queue: limits.workQueue,
    perToken: limits.workPerToken,
    pdfAtOnce: limits.pdfAtOnce,
    timeoutMs: limits.workTimeoutMs,
    memoryMb: limits.workMemoryMb
  })
  workRef = work
  if (cluster) {
    cluster.onRevoke = (tokenId, reason) => hub.revoke(tokenId, reason)
    cluster.onDocMeta = (doc) => hub.docMetaChanged(doc)
  }
  // A roster edit (here, or read from another server's by the poll below) reaches every open page at once.
  roster.onChange = (revision) => hub.rosterChanged(revision)
  const docList = new DocList(storage, work, meeting.roster, (name) => hub.rooms.flush(name))
  // Edits made by another process (a second server on the same database) are picked up within a few seconds.
  const rosterPoll = setInterval(() => {
    try { roster.refresh() } catch (err) { log.error({ err: (err as Error).message }, 'reading the roster edits failed') }
  }, ROSTER_POLL_MS)
  rosterPoll.unref()
  const deps = { storage, meeting, roster, hub, defaultDoc, work, docList, docMaxBytes: limits.docMaxBytes, workTimeoutMs: limits.workTimeoutMs }

  // Near the socket budget only the people running the meeting get HTTP answers (sockets.ts).
  const privileged = (req: IncomingMessage): boolean => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1]
    const session = req.headers[SESSION_HEADER]
    const p = bearer ? authenticate(storage, bearer) : typeof session === 'string' ? sessionPrincipal(storage, req, session) : null
    return p?.role === 'secretariat' || p?.role === 'chair'
  }
  const server = createServer({
    // Node's own bounds on slow requests; sockets.ts closes connections that never send one.
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs)
  }, (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]
    const fail = (err: unknown) => {
      log.error({ path, err: (err as Error).stack }, 'request failed')
      if (!res.headersSent) send(res, { status: 500, json: { error: 'internal error' } })
      else res.destroy()
    }
    try {
      if (path === Paths.health) {
        // Non-200 while writes fail (a full disk), with the reason: a monitor and the people running the meeting see why.
        if (health.fault) return send(res, { status: 503, json: { ok: false, reason: health.fault, since: health.since, docsLoaded: hub.rooms.size, connections: hub.connections } })
        return send(res, { status: 200, json: { ok: true, docsLoaded: hub.rooms.size, connections: hub.connections, work: { running: work.running, queued: work.queued }, sockets: guard.size } })
      }
      if (path === Paths.metrics) return void metrics.render().then((text) => send(res, { status: 200, text, contentType: metrics.contentType }), fail)
      if (guard.pressed && !privileged(req)) {
        res.shouldKeepAlive = false
        return send(res, { status: 503, json: { error: 'the server is at its connection limit; try again in a moment' }, headers: { 'retry-after': '5', connection: 'close' } })
      }
      if (path === Paths.api || path.startsWith(Paths.api + '/')) return void handleApi(req, res, deps, log, limits.maxBodyBytes).catch(fail)
      serveClient(req, res, clientDir)
    } catch (err) {
      fail(err)
    }
  })
  server.keepAliveTimeout = 5000
  const guard = new SocketGuard(server, { maxSockets: limits.maxSockets, firstRequestMs: limits.firstRequestMs, log })
  guardRef = guard
  server.on('upgrade', (req, socket, head) => {
    guard.upgraded(req.socket)
    hub.handleUpgrade(req, socket, head)
  })
  server.on('clientError', (_err, socket) => socket.destroy())

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (err) {
    await hub.close(0)
    await cluster?.close()
    await work.close()
    await loader.close()
    metrics.stop()
    storage.close()
    throw err
  }
  // Each document's COB snapshot is taken in the work pool, one at a time; the loop lists and hands out.
  const cob = options.cob === false ? null : startServerCob({
    storage,
    work,
    flush: (doc) => hub.rooms.flush(doc),
    log,
    timeZone: meeting.timeZone,
    cobTime: meeting.cobTime,
    clock: typeof options.cob === 'object' ? options.cob.clock : undefined
  })
  const actual = (server.address() as AddressInfo).port
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${actual}`
  log.info({ url, storage: describeStorage(spec) }, 'listening')

  let closing: Promise<void> | null = null
  return {
    port: actual,
    url,
    meeting,
    roster,
    storage,
    hub,
    cluster,
    metrics,
    log,
    demoLinks: demo ? demo.map((d) => ({ role: d.role, delegation: d.delegation, label: d.label, token: d.token, url: url + d.path })) : null,
    close: () => {
      closing ??= (async () => {
        // The COB run stops before its next document; the pool's close refuses the job in flight, and
        // the run has ended (it reads storage between jobs) before storage closes.
        const cobStopped = cob?.stop()
        clearInterval(rosterPoll)
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
        await hub.close()
        await cluster?.close()
        server.closeAllConnections()
        await stopped
        await work.close()
        await cobStopped
        await loader.close()
        health.stop()
        metrics.stop()
        storage.close()
        log.info('closed')
      })()
      return closing
    }
  }
}
