// The cluster runtime (several servers on PostgreSQL and Redis): see docs/cluster.md.

export { Cluster, ClusterUnavailableError, SERVER_ID_PATTERN, startCluster, type ClusterOptions } from './cluster.ts'
export { DocLink } from './doc-link.ts'
export { LEASE_TTL_MS, RENEW_MS, RESEND_MS, TICK_MS } from './timing.ts'
