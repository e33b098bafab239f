// Issue 12: a corrupt database is one line naming the file and what to do (exit 2); `podium backup`
// makes a consistent copy while the server runs and writes (the -wal included), and
// `podium restore-backup` reads it back.

import { execFile } from 'node:child_process'
import { closeSync, existsSync, openSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { loadStoredYDoc } from '../../server/documents.ts'
import { openSqliteStorage } from '../../server/storage/sqlite.ts'
import { FRAGMENT_NAME } from '../../shared/ydoc.ts'
import { addParagraph, cleanupDirs, connect, destroyAll, DOC, start, synced, tempDir, token, waitFor, content } from './helpers.ts'

const BIN = fileURLToPath(new URL('../../bin/podium.js', import.meta.url))
afterAll(cleanupDirs)

// The real `podium` command, without blocking this process (the server under test lives here).
function podium(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr })
    })
  })
}

function storedText(dataDir: string): string {
  const storage = openSqliteStorage(dataDir)
  try {
    const ydoc = loadStoredYDoc(storage, DOC)!
    const text = ydoc.getXmlFragment(FRAGMENT_NAME).toString()
    ydoc.destroy()
    return text
  } finally {
    storage.close()
  }
}

describe('a corrupt database', () => {
  it('stops podium serve with one line naming the file and what to do, exit 2', async () => {
    // Not a database at all.
    const foreign = tempDir()
    const fd = openSync(join(foreign, 'podium.db'), 'w')
    writeSync(fd, Buffer.alloc(64 * 1024, 0x5a))
    closeSync(fd)
    const a = await podium(['serve', '--data', foreign, '--port', '0'])
    expect(a.code).toBe(2)
    expect(a.stderr.trim().split('\n')).toHaveLength(1)
    expect(a.stderr).toMatch(new RegExp(`^podium serve: ${join(foreign, 'podium.db').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a Podium database .*restore-backup`))

    // A real database with damaged pages.
    const damaged = tempDir()
    const server = await start({ dataDir: damaged, cob: false })
    await server.close()
    const fd2 = openSync(join(damaged, 'podium.db'), 'r+')
    writeSync(fd2, Buffer.alloc(16 * 1024, 0xa5), 0, 16 * 1024, 4096)
    closeSync(fd2)
    const b = await podium(['serve', '--data', damaged, '--port', '0'])
    expect(b.code).toBe(2)
    expect(b.stderr.trim().split('\n')).toHaveLength(1)
    expect(b.stderr).toMatch(/podium\.db is (damaged|not a Podium database) .*restore-backup/)
    expect(b.stderr).not.toMatch(/SqliteError|    at /)
  }, 60_000)
})

describe('podium backup and restore-backup', () => {
  it('copy every acknowledged edit while the server runs and writes, and read it back', async () => {
    const dataDir = tempDir()
    const server = await start({ dataDir, cob: false, compactIdleMs: 60_000 })
    const writer = connect(server, token(server, 'secretariat'))
    const reader = connect(server, token(server, 'observer'))
    await Promise.all([synced(writer), synced(reader)])
    for (let i = 0; i < 200; i++) {
      addParagraph(writer.doc, `edit ${i} acknowledged`)
      if (i % 20 === 0) await new Promise((r) => setTimeout(r, 5))
    }
    // Acknowledged: stored and relayed to another client.
    await waitFor(() => content(reader.doc).includes('edit 199 acknowledged'), 'the edits acknowledged')
    const file = join(tempDir(), 'meeting.backup.db')
    // The server keeps taking edits while the backup runs.
    const running = podium(['backup', '--data', dataDir, '-o', file])
    let more = 0
    const typing = setInterval(() => addParagraph(writer.doc, `during the backup ${more++}`), 5)
    const made = await running
    clearInterval(typing)
    expect(made.stderr).toBe('')
    expect(made.code).toBe(0)
    expect(made.stdout).toMatch(/^backed up .* to .*meeting\.backup\.db: 1 documents, .*hash chains intact\n$/)
    expect(more).toBeGreaterThan(0)
    destroyAll(writer, reader)
    await server.close()

    // Restored into an empty directory: every edit acknowledged before the backup is there.
    const restoredDir = tempDir()
    const restored = await podium(['restore-backup', file, '--data', restoredDir])
    expect(restored.code).toBe(0)
    const text = storedText(restoredDir)
    for (let i = 0; i < 200; i++) expect(text).toContain(`edit ${i} acknowledged`)
    // The restored file verifies, and a server starts on it.
    expect((await podium(['verify', '--data', restoredDir])).code).toBe(0)

    // Over an existing database: refused without --force; with it, the old files are kept aside.
    const refused = await podium(['restore-backup', file, '--data', dataDir])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/exists; stop the server, then pass --force/)
    const forced = await podium(['restore-backup', file, '--data', dataDir, '--force'])
    expect(forced.code).toBe(0)
    const kept = /the database it replaced is (\S+)\n/.exec(forced.stdout)?.[1]
    expect(kept && existsSync(kept)).toBe(true)
    // A file that is not a backup is refused in one line.
    const bad = await podium(['restore-backup', BIN, '--data', tempDir()])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/is not a readable Podium database/)
  }, 60_000)
})
