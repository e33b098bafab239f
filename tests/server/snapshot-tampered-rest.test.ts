import { afterEach, describe, expect, it } from 'vitest'
import { cleanupDirs, DOC, start, token } from './helpers.ts'
import { buildHistory, tamper } from './tamper-helpers.ts'

afterEach(cleanupDirs)

describe('a snapshot changed in the database file', () => {
  it('is never served as if intact: reading, exporting or comparing it answers 500 saying so', async () => {
    const { dir, snapshotId } = buildHistory()
    tamper(dir, (db) => {
      db.exec('DROP TRIGGER snapshots_no_update')
      db.prepare("UPDATE snapshots SET state = state || x'00' WHERE id = ?").run(snapshotId)
      db.exec("CREATE TRIGGER snapshots_no_update BEFORE UPDATE ON snapshots BEGIN SELECT RAISE(ABORT, 'snapshots are immutable'); END;")
    })
    const server = await start({ dataDir: dir, allowBrokenChain: true })
    const tok = token(server, 'delegation', 'IND')
    const message = `${DOC}: snapshot ${snapshotId} does not match its hash (changed after it was written)`
    for (const path of [`/docs/${DOC}/snapshots/${snapshotId}?format=text`, `/docs/${DOC}/export?format=text&snapshot=${snapshotId}`, `/docs/${DOC}/compare?from=${snapshotId}&to=live`]) {
      const res = await fetch(`${server.url}/api${path}`, { headers: { authorization: `Bearer ${tok}` } })
      expect(res.status, path).toBe(500)
      expect(await res.json(), path).toEqual({ error: message })
    }
    await server.close()
  })
})
