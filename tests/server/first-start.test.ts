import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { normalisePodiumText } from '../../shared/format/index.ts'
import { readDocFromY } from '../../shared/ydoc.ts'
import { serializePodium } from '../../shared/format/index.ts'
import { authenticate } from '../../server/tokens.ts'
import { cleanupDirs, connect, destroyAll, start, synced, tempDir } from './helpers.ts'

afterEach(cleanupDirs)

describe('first start on an empty data directory', () => {
  it('creates the demo document from the fixture and sign-in links for secretariat, chair, two delegations and an observer', async () => {
    const dataDir = tempDir()
    const server = await start({ dataDir })
    const links = server.demoLinks!
    expect(links.map((l) => [l.role, l.delegation])).toEqual([['secretariat', null], ['chair', null], ['delegation', 'IND'], ['delegation', 'CHN'], ['observer', null]])
    for (const l of links) {
      expect(l.url).toBe(`${server.url}/d/astana-statement?token=${encodeURIComponent(l.token)}`)
      expect(authenticate(server.storage, l.token)?.role).toBe(l.role)
    }
    expect(server.storage.getDoc('astana-statement')?.title).toBe('Draft Astana Statement on CICA Transformation')
    // A newcomer opens a link and has the document.
    const p = connect(server, links[2].token)
    await synced(p)
    expect(serializePodium(readDocFromY(p.doc))).toBe(normalisePodiumText(readFileSync('fixtures/astana-statement.txt', 'utf8')))
    destroyAll(p)
    await server.close()
    const again = await start({ dataDir })
    expect(again.demoLinks).toBeNull()
    expect(again.storage.listTokens()).toHaveLength(5)
    await again.close()
  })

  it('can be turned off', async () => {
    const server = await start({ demo: false })
    expect(server.demoLinks).toBeNull()
    expect(server.storage.listDocs()).toEqual([])
    await server.close()
  })
})
