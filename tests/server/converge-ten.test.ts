import { afterEach, describe, expect, it } from 'vitest'
import { ROLES } from '../../shared/protocol.ts'
import { DEFAULT_ROSTER } from '../../shared/roster.ts'
import { addParagraph, cleanupDirs, connect, content, destroyAll, start, synced, token, waitFor } from './helpers.ts'

afterEach(cleanupDirs)
process.setMaxListeners(50) // each y-websocket provider adds a process 'exit' listener

describe('ten y-websocket clients', () => {
  it('converge after each makes 15 concurrent edits, and the server holds the same document', async () => {
    const server = await start()
    const codes = DEFAULT_ROSTER.map((e) => e.code).filter((c) => c !== 'CHAIR').slice(0, 8)
    const tokens = [token(server, 'secretariat'), token(server, 'chair'), ...codes.map((c) => token(server, 'delegation', c))]
    expect(ROLES).toContain('chair')
    const providers = tokens.map((t) => connect(server, t))
    await Promise.all(providers.map((p) => synced(p)))
    for (let round = 0; round < 15; round++) {
      providers.forEach((p, i) => addParagraph(p.doc, `client ${i} round ${round}`))
    }
    const expected = providers.length * 15
    await waitFor(() => {
      const first = content(providers[0].doc)
      return (first.match(/round \d+/g)?.length ?? 0) === expected && providers.every((p) => content(p.doc) === first)
    }, 'ten-way convergence', 20_000)
    expect(content(server.hub.rooms.get('astana-statement')!.ydoc)).toBe(content(providers[0].doc))
    destroyAll(...providers)
    await server.close()
  })
})
