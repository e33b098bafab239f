import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { serializePodium } from '../../shared/format/index.ts'
import { newYDoc, readDocFromY } from '../../shared/ydoc.ts'
import { sha256 } from '../../server/snapshots/service.ts'
import type { RunningServer } from '../../server/index.ts'
import { addParagraph, cleanupDirs, connect, destroyAll, DOC, start, synced, tempDir, token, waitFor } from '../server/helpers.ts'
import { api } from './helpers.ts'

let server: RunningServer | undefined
afterEach(async () => { await server?.close(); server = undefined })
afterAll(cleanupDirs)

describe('a snapshot taken while delegations are typing', () => {
  it('holds exactly the state made of the updates stored up to that moment', async () => {
    const dataDir = tempDir()
    // No compaction during the test, so the log can be replayed up to the snapshot's position.
    server = await start({ dataDir, cob: false, compactEvery: 1_000_000 })
    const sec = token(server, 'secretariat')
    const typists = ['IND', 'CHN', 'ISR'].map((code) => connect(server!, token(server!, 'delegation', code)))
    await Promise.all(typists.map((p) => synced(p)))

    let typed = 0
    const timer = setInterval(() => {
      for (const p of typists) { addParagraph(p.doc, `typed ${typed++}`) }
    }, 5)
    await waitFor(() => typed > 60, 'typing under way')
    const snaps = []
    for (let i = 0; i < 3; i++) {
      snaps.push((await api(server, sec, 'POST', `/docs/${DOC}/snapshots`, { label: `while typing ${i}` })).body)
      await new Promise((r) => setTimeout(r, 20))
    }
    clearInterval(timer)

    const db = new Database(join(dataDir, 'podium.db'), { readonly: true })
    try {
      for (const s of snaps) {
        // Rebuild from the stored log up to the snapshot's position: it must be the snapshot's text exactly.
        const replay = newYDoc()
        for (const row of db.prepare('SELECT data FROM updates WHERE doc = ? AND id <= ? ORDER BY id').all(DOC, s.upto) as { data: Buffer }[]) {
          Y.applyUpdate(replay, new Uint8Array(row.data))
        }
        const expected = serializePodium(readDocFromY(replay))
        const text = (await api(server, sec, 'GET', `/docs/${DOC}/snapshots/${s.id}?format=text`)).text
        expect(text).toBe(expected)
        expect(sha256(text)).toBe(s.sha256)
        // The next update after `upto` is not in it.
        const next = db.prepare('SELECT data FROM updates WHERE doc = ? AND id > ? ORDER BY id LIMIT 1').get(DOC, s.upto) as { data: Buffer } | undefined
        if (next) {
          Y.applyUpdate(replay, new Uint8Array(next.data))
          expect(serializePodium(readDocFromY(replay))).not.toBe(text)
        }
      }
      expect(snaps[0].upto).toBeLessThan(snaps[2].upto)
    } finally {
      db.close()
    }
    destroyAll(...typists)
  })
})
