// How a cluster member is started: the startServer options for PostgreSQL + Redis, in one place so
// the benchmark follows the cluster runtime's option names.

import type { ServerOptions } from '../../server/index.ts'

/**
 * startServer options for one of several servers on `postgres` (URL with ?schema=) and `redis`
 * (URL), named `name`. The child reports which storage it really got, so options that startServer
 * does not know (yet) show up as an arm that is not available, not as a SQLite run.
 */
export function clusterServerOptions(postgres: string, redis: string, name: string): Partial<ServerOptions> {
  return { postgres, redis, serverId: name } as Partial<ServerOptions>
}
