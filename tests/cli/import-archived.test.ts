import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { podium } from '../helpers/cli.ts'
import { openSqliteStorage } from '../../server/storage/sqlite.ts'

const ASTANA_FILE = new URL('../../fixtures/astana-statement.txt', import.meta.url).pathname

describe('podium import --replace on an archived document', () => {
  it('is refused in words and writes nothing (an archived document is read only for everyone)', { timeout: 90_000 }, () => {
    const data = join(mkdtempSync(join(tmpdir(), 'podium-archived-')), 'data')
    expect(podium(['import', ASTANA_FILE, '--doc', 'statement', '--data', data]).code).toBe(0)
    let storage = openSqliteStorage(data)
    storage.setDocMeta('statement', { archivedAt: new Date().toISOString() })
    const before = storage.listSnapshots('statement').length
    storage.close()
    const r = podium(['import', ASTANA_FILE, '--doc', 'statement', '--replace', '--data', data])
    expect([r.code, r.stderr.trim()]).toEqual([2, expect.stringContaining('"statement" is archived and read only')])
    storage = openSqliteStorage(data)
    expect(storage.listSnapshots('statement').length).toBe(before)
    storage.close()
  })
})
