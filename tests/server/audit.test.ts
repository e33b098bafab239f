import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DB_FILE } from '../../server/storage/sqlite.ts'
import { addParagraph, cleanupDirs, connect, destroyAll, start, synced, tempDir, token, waitFor } from './helpers.ts'

afterEach(cleanupDirs)

describe('the audit trail', () => {
  it('records who sent every accepted update, when, and its Yjs client IDs; it is append-only', async () => {
    const dataDir = tempDir()
    const server = await start({ dataDir })
    const a = connect(server, token(server, 'delegation', 'IND'))
    const c = connect(server, token(server, 'chair'))
    await Promise.all([synced(a), synced(c)])
    addParagraph(a.doc, 'from India')
    addParagraph(c.doc, 'from the chair')
    await waitFor(() => server.storage.audit('astana-statement').length >= 3, 'audit rows')
    const rows = server.storage.audit('astana-statement')
    const ids = new Map(server.storage.listTokens().map((t) => [t.id, t]))
    const ind = rows.find((r) => r.delegation === 'IND')!
    expect(ind).toMatchObject({ role: 'delegation', clientIds: [a.doc.clientID] })
    expect(ids.get(ind.tokenId!)?.delegation).toBe('IND')
    expect(Date.now() - Date.parse(ind.at)).toBeLessThan(60_000)
    expect(ind.bytes).toBeGreaterThan(0)
    expect(rows.find((r) => r.role === 'chair')).toMatchObject({ delegation: null, clientIds: [c.doc.clientID] })
    expect(rows.at(-1)).toMatchObject({ role: 'server', tokenId: null })
    destroyAll(a, c)
    await server.close()

    const db = new Database(join(dataDir, DB_FILE))
    expect(() => db.prepare('DELETE FROM audit').run()).toThrow(/append-only/)
    expect(() => db.prepare("UPDATE audit SET role = 'x'").run()).toThrow(/append-only/)
    db.close()
  })
})
