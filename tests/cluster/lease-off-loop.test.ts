// A holder renews its lease without blocking its event loop: while another session locks the lease
// row, the holder's loop never stalls and presence still goes round; a renewal still out when the
// lease may lapse gives the lease up (as a failed one does), and once the lock goes the server takes
// it again by itself and edits go round.

import { monitorEventLoopDelay } from 'node:perf_hooks'
import { afterAll, describe, expect, it } from 'vitest'
import type { WebsocketProvider } from 'y-websocket'
import type { RunningServer } from '../../server/index.ts'
import { createToken } from '../../server/tokens.ts'
import { holdInSchema } from '../helpers/postgres.ts'
import { addParagraph, content, DOC, synced, waitFor } from '../server/helpers.ts'
import { provider, sharedStorage, startServers, type SharedStorage } from './helpers.ts'

// How long the other session holds the row: past the 0.7 s a renewal may be late, under the 5 s
// storage call timeout.
const HOLD_MS = 2_000

describe('a holder whose lease row is locked', () => {
  let shared: SharedStorage | undefined
  let servers: RunningServer[] = []
  const providers: WebsocketProvider[] = []
  afterAll(async () => {
    for (const p of providers) p.destroy()
    for (const s of servers) await s.close()
    await shared?.cleanup()
  })

  it('keeps its loop going, gives the lease up when the renewal is late, and takes it again after', { timeout: 60_000 }, async () => {
    shared = await sharedStorage()
    servers = await startServers(1, shared.options)
    const [server] = servers
    const tok = (role: string, delegation: string | null = null) => createToken(server.storage, { role, delegation }, server.meeting.roster).token
    const here = provider(server.port, DOC, tok('delegation', 'CHN'))
    const there = provider(server.port, DOC, tok('observer'))
    providers.push(here, there)
    await Promise.all([synced(here), synced(there)])
    const link = server.cluster!.linkOf(DOC)!
    expect(link.authoritative).toBe(true)

    const schemaName = new URL(shared.url).searchParams.get('schema')!
    const locker = await holdInSchema(schemaName, 'SELECT * FROM leases FOR UPDATE')
    let round = 0
    let gaveUp = false
    const delay = monitorEventLoopDelay({ resolution: 10 })
    try {
      const lockedAt = performance.now()
      delay.enable()
      for (const colour of ['#e07000', '#0070e0', '#00a050', '#a000a0']) {
        const sent = performance.now()
        here.awareness.setLocalStateField('user', { delegation: 'CHN', colour })
        const clock = here.awareness.meta.get(here.doc.clientID)!.clock
        await waitFor(() => (there.awareness.meta.get(here.doc.clientID)?.clock ?? -1) >= clock, `presence change ${clock} reaches the other client`, 1_000)
        round = Math.max(round, performance.now() - sent)
        await new Promise((r) => setTimeout(r, 300))
        if (!link.authoritative) gaveUp = true
      }
      await new Promise((r) => setTimeout(r, Math.max(0, HOLD_MS - (performance.now() - lockedAt))))
      if (!link.authoritative) gaveUp = true
      delay.disable()
    } finally {
      await locker.release()
    }
    // A loop blocked on the renewal would have stalled for the whole hold (≈ 2 s).
    expect(delay.max / 1e6).toBeLessThan(500)
    expect(round).toBeLessThan(500)
    // Not renewed within 0.7 s: the server stopped judging before anyone else could take the lease.
    expect(gaveUp).toBe(true)

    await waitFor(() => link.authoritative, 'the server takes the lease again', 5_000)
    addParagraph(here.doc, 'after the lock')
    await waitFor(() => content(there.doc).includes('after the lock'), 'an edit goes round again', 5_000)
  })
})
