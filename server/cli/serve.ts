// `podium serve`: runs the server until SIGINT/SIGTERM, printing sign-in links on first start.

import { loadMeeting } from '../config.ts'
import { startServer } from '../index.ts'
import { IntegrityError } from '../storage/chain.ts'
import { CliError } from './main.ts'
import { parseFlags, stringFlag } from './flags.ts'
import { storageSpecOf } from './with-storage.ts'
import { ClusterUnavailableError, SERVER_ID_PATTERN } from '../cluster/index.ts'

const USAGE = `usage: podium serve [--port 1234] [--host 127.0.0.1] [--data ./data | --postgres URL] [--config FILE] [--allow-broken]
                    [--redis URL] [--server-id ID]
Serves the client at /, documents at /d/<doc>, the REST API at /api and live sync at /sync/<doc>.
On an empty data directory (or PostgreSQL schema), creates the demo meeting and prints sign-in links.
--postgres URL (or PODIUM_POSTGRES_URL): the meeting in PostgreSQL, postgres://user@host:5432/db[?schema=NAME].
Refuses to start when a stored hash chain is broken (see podium verify) unless --allow-broken.
--redis URL (or PODIUM_REDIS_URL) runs this server as one of several sharing the database, with
updates exchanged through Redis (docs/cluster.md); --server-id names it (default: random).`

/** Runs `podium serve`; resolves to 0 after a clean shutdown on SIGINT/SIGTERM. */
export async function serve(args: string[]): Promise<number> {
  const parsed = parseFlags(args, ['port', 'host', 'data', 'postgres', 'config', 'redis', 'server-id'], ['help', 'allow-broken'])
  if (parsed.flags.has('help')) {
    process.stdout.write(USAGE + '\n')
    return 0
  }
  if (parsed.positional.length > 0) throw new CliError(`unexpected argument ${parsed.positional[0]}`)
  const portText = stringFlag(parsed, 'port', process.env.PORT ?? '1234')!
  const port = Number(portText)
  if (!/^\d+$/.test(portText) || port > 65535) throw new CliError(`--port ${portText} is not a port number (0–65535)`)
  const meeting = loadMeeting(stringFlag(parsed, 'config'))
  const spec = storageSpecOf(stringFlag(parsed, 'data'), stringFlag(parsed, 'postgres'))
  const storage = spec.postgres !== undefined ? { postgres: spec.postgres } : { dataDir: spec.dataDir }
  const redis = stringFlag(parsed, 'redis', process.env.PODIUM_REDIS_URL || undefined)
  if (redis !== undefined && !/^rediss?:\/\//.test(redis)) throw new CliError(`--redis ${redis} is not a redis:// or rediss:// URL`)
  const serverId = stringFlag(parsed, 'server-id')
  if (serverId !== undefined && !SERVER_ID_PATTERN.test(serverId)) throw new CliError(`--server-id ${serverId} is not 1–100 of letters, digits, '.', '_' and '-'`)
  let server
  try {
    server = await startServer({ port, host: stringFlag(parsed, 'host', '127.0.0.1'), ...storage, meeting, allowBrokenChain: parsed.flags.has('allow-broken'), redis, serverId })
  } catch (err) {
    if (err instanceof IntegrityError || err instanceof ClusterUnavailableError) throw new CliError(err.message)
    throw err
  }
  process.stdout.write(`Podium listening on ${server.url} (meeting: ${meeting.name})\n`)
  if (server.demoLinks) {
    process.stdout.write('Created the demo meeting. Sign-in links (keep them private):\n')
    for (const link of server.demoLinks) {
      const who = link.delegation ? `${link.delegation} (${link.label})` : link.label
      process.stdout.write(`  ${who.padEnd(22)} ${link.url}\n`)
    }
  } else {
    process.stdout.write('Sign-in links: "podium token create --role ROLE [--delegation CODE]" or the meeting home page.\n')
  }
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', onInt)
      process.off('SIGTERM', onTerm)
      server.log.info({ signal }, 'shutting down')
      server.close().then(resolve, (err) => {
        server.log.error({ err: (err as Error).message }, 'shutdown failed')
        resolve()
      })
    }
    const onInt = () => stop('SIGINT')
    const onTerm = () => stop('SIGTERM')
    process.on('SIGINT', onInt)
    process.on('SIGTERM', onTerm)
  })
  return 0
}
