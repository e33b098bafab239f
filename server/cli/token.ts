// `podium token create|list|revoke`: sign-in tokens, straight on the data directory's database
// (safe while the server runs: it notices a revocation within half a second and closes the token's connections).

import { loadMeeting } from '../config.ts'
import { LiveRoster } from '../roster.ts'
import { DEMO_DOC } from '../demo.ts'
import { createToken, hashToken, signInPath } from '../tokens.ts'
import { CliError } from './main.ts'
import { parseFlags, stringFlag } from './flags.ts'
import { storageSpecOf, withStorage } from './with-storage.ts'

const USAGE = `usage:
  podium token create --role secretariat|chair|delegation|observer [--delegation CODE] [--label TEXT] [--doc NAME] [--expires 8h|2026-12-05T18:00Z] [--data DIR | --postgres URL] [--config FILE]
      without --doc the token is meeting-wide (every document); with it, that document only
  podium token list [--data DIR | --postgres URL]
  podium token revoke TOKEN|ID [--data DIR | --postgres URL]
Without --data or --postgres: $PODIUM_POSTGRES_URL when set, else ./data.`

/** Runs `podium token …`; prints JSON lines on standard output. */
export async function token(args: string[]): Promise<number> {
  const [sub, ...rest] = args
  if (!sub || sub === '--help' || sub === '-h') {
    process.stdout.write(USAGE + '\n')
    return sub ? 0 : 2
  }
  const parsed = parseFlags(rest, ['role', 'delegation', 'label', 'doc', 'expires', 'data', 'postgres', 'config'])
  if (parsed.flags.has('help')) {
    process.stdout.write(USAGE + '\n')
    return 0
  }
  const dataDir = storageSpecOf(stringFlag(parsed, 'data'), stringFlag(parsed, 'postgres'))
  switch (sub) {
    case 'create': {
      if (parsed.positional.length > 0) throw new CliError(`unexpected argument ${parsed.positional[0]}`)
      const role = stringFlag(parsed, 'role')
      if (!role) throw new CliError('--role is required (secretariat, chair, delegation or observer)')
      const meeting = loadMeeting(stringFlag(parsed, 'config'))
      const doc = stringFlag(parsed, 'doc') ?? null
      const expires = stringFlag(parsed, 'expires') ?? null
      // The roster with the delegations the secretariat added from the meeting home.
      const created = withStorage(dataDir, (s) => createToken(s, { role, delegation: stringFlag(parsed, 'delegation') ?? null, label: stringFlag(parsed, 'label') ?? null, doc, expires }, new LiveRoster(s, meeting.roster).entries))
      const out: Record<string, unknown> = { token: created.token, role: created.record.role, delegation: created.record.delegation, link: signInPath(doc ?? DEMO_DOC.name, created.token) }
      if (created.record.expiresAt) out.expiresAt = created.record.expiresAt
      process.stdout.write(JSON.stringify(out) + '\n')
      return 0
    }
    case 'list': {
      const tokens = withStorage(dataDir, (s) => s.listTokens())
      for (const t of tokens) {
        process.stdout.write(JSON.stringify({ id: t.id, role: t.role, delegation: t.delegation, label: t.label, doc: t.doc, createdAt: t.createdAt, expiresAt: t.expiresAt ?? null, revoked: t.revokedAt !== null }) + '\n')
      }
      return 0
    }
    case 'revoke': {
      const [value] = parsed.positional
      if (!value || parsed.positional.length > 1) throw new CliError('revoke takes one TOKEN (or its id)')
      const outcome = withStorage(dataDir, (s) => {
        const record = s.tokenByHash(hashToken(value)) ?? s.tokenById(value)
        if (!record) return null
        return { id: record.id, changed: s.revokeToken(record.id) }
      })
      if (!outcome) throw new CliError('no such token')
      process.stdout.write(JSON.stringify({ id: outcome.id, revoked: true, already: !outcome.changed }) + '\n')
      return 0
    }
    default:
      throw new CliError(`unknown token command "${sub}" (create, list, revoke)`)
  }
}
