import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CloseCode } from '../../shared/protocol.ts'
import { DOC, cleanupDirs, closed, rawSocket, start, token } from './helpers.ts'
import { RawClient, block } from './trust-helpers.ts'

afterEach(cleanupDirs)

describe('a token whose updates keep being refused', () => {
  it('is turned away for a while (each refusal may reload the document); other tokens carry on', async () => {
    const server = await start({ limits: { refusalsPerMinute: 3 } })
    const forger = token(server, 'delegation', 'IND')
    for (let i = 0; i < 4; i++) {
      const c = await RawClient.open(server, forger)
      c.change((doc) => { const b = block(doc, 'PP4.'); b.insert(b.length, [new Y.XmlElement('note')]) })
      expect(await c.closeCode()).toBe(CloseCode.refused)
    }
    const again = await closed(rawSocket(server, forger))
    expect(again.code).toBe(CloseCode.tryAgainLater)
    expect(again.reason).toContain('too many refused changes')
    // Another delegation is not affected.
    const other = await RawClient.open(server, token(server, 'delegation', 'CHN'))
    expect(other.closedWith).toBeNull()
    other.close()
    expect(server.storage.refusals(DOC).length).toBe(4)
    await server.close()
  })
})
