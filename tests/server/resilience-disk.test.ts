// Issue 12, "disk full": a real full file system (a 5 MB tmpfs; CI runs as root). /healthz answers
// 503 with the reason, everyone connected is told in words, updates sent meanwhile are held (not
// lost), writing resumes by itself once space returns, and nothing acknowledged is lost.

import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { CloseCode } from '../../shared/protocol.ts'
import { openSqliteStorage } from '../../server/storage/sqlite.ts'
import { loadStoredYDoc } from '../../server/documents.ts'
import { addParagraph, connect, content, destroyAll, DOC, start, synced, token, waitFor } from './helpers.ts'
import { FRAGMENT_NAME } from '../../shared/ydoc.ts'

const mountPoint = mkdtempSync(join(tmpdir(), 'podium-tmpfs-'))
let mounted = false
afterAll(() => {
  if (mounted) execFileSync('umount', ['-l', mountPoint])
  rmSync(mountPoint, { recursive: true, force: true })
})

// Fills the file system with `file` until it refuses more.
function fill(file: string): void {
  const chunk = Buffer.alloc(64 * 1024, 1)
  const parts: Buffer[] = []
  for (let i = 0; i < 200; i++) {
    parts.push(chunk)
    try {
      writeFileSync(file, Buffer.concat(parts))
    } catch {
      parts.pop()
      writeFileSync(file, Buffer.concat(parts))
      // The last few kilobytes too.
      try { writeFileSync(file + '.tail', Buffer.alloc(4096)) } catch { /* full */ }
      return
    }
  }
}

describe('disk full', () => {
  it('is visible on /healthz and to everyone connected in words, holds edits, resumes by itself when space returns, loses nothing acknowledged', async () => {
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=5m', 'tmpfs', mountPoint], { stdio: 'pipe' })
      mounted = true
    } catch (err) {
      throw new Error(`this test needs a 5 MB tmpfs (mount -t tmpfs, as root): ${(err as Error).message.split('\n')[0]}`)
    }
    const dataDir = join(mountPoint, 'data')
    const server = await start({ dataDir, cob: false, compactIdleMs: 60_000 })
    const writer = connect(server, token(server, 'secretariat'))
    const reader = connect(server, token(server, 'observer'))
    await Promise.all([synced(writer), synced(reader)])
    const closes: { code: number; reason: string }[] = []
    writer.on('connection-close', (event: { code: number; reason: string } | null) => { if (event) closes.push({ code: event.code, reason: event.reason }) })
    const readerCloses: { code: number; reason: string }[] = []
    reader.on('connection-close', (event: { code: number; reason: string } | null) => { if (event) readerCloses.push({ code: event.code, reason: event.reason }) })
    expect((await fetch(server.url + '/healthz')).status).toBe(200)
    // Acknowledged before the disk filled: the reader holds it, so it is stored.
    addParagraph(writer.doc, 'acknowledged before the disk filled')
    await waitFor(() => content(reader.doc).includes('acknowledged before the disk filled'), 'an edit before')

    const filler = join(mountPoint, 'filler')
    fill(filler)
    // A paste of some 600 KB cannot be stored now.
    addParagraph(writer.doc, 'before the disk filled ' + 'y'.repeat(600 * 1024))
    await waitFor(() => closes.length > 0, 'the writer told', 10_000)
    expect(closes[0]).toEqual({ code: CloseCode.tryAgainLater, reason: expect.stringMatching(/disk is full.*edits are kept/) })
    // Everyone on the document is told, in the same words.
    await waitFor(() => readerCloses.length > 0, 'the reader told')
    expect(readerCloses[0]).toEqual(closes[0])
    const health = await fetch(server.url + '/healthz')
    expect(health.status).toBe(503)
    expect(await health.json()).toMatchObject({ ok: false, reason: expect.stringMatching(/^disk full: writing to .*podium\.db failed/) })
    // Typed while full: held by the server, never applied or acknowledged.
    await synced(writer)
    addParagraph(writer.doc, 'typed while the disk was full')
    await new Promise((r) => setTimeout(r, 500))
    expect(content(reader.doc)).not.toContain('typed while the disk was full')
    // Still full: still unhealthy (the probe has not found room).
    expect((await fetch(server.url + '/healthz')).status).toBe(503)

    unlinkSync(filler)
    try { unlinkSync(filler + '.tail') } catch { /* none */ }
    await waitFor(() => content(reader.doc).includes('typed while the disk was full') && content(reader.doc).includes('before the disk filled'), 'writing resumed', 15_000)
    expect((await fetch(server.url + '/healthz')).status).toBe(200)
    await waitFor(() => content(reader.doc) === content(writer.doc), 'converged')
    destroyAll(writer, reader)
    await server.close()

    // Nothing acknowledged is lost: both edits are in the database.
    const storage = openSqliteStorage(dataDir)
    const ydoc = loadStoredYDoc(storage, DOC)!
    const stored = ydoc.getXmlFragment(FRAGMENT_NAME).toString()
    expect(stored).toContain('acknowledged before the disk filled')
    expect(stored).toContain('typed while the disk was full')
    expect(stored).toContain('before the disk filled ' + 'y'.repeat(100))
    ydoc.destroy()
    storage.close()
  }, 60_000)
})
