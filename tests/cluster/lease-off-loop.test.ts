// A holder renews its lease without blocking its event loop: while another session locks the lease
// row (and with it the renewal and the appends, which read the fence), the holder's loop never
// stalls and presence still goes round; once the lock goes the server holds the lease again by
// itself and the edit made meanwhile reaches the other client.

import { monitorEventLoopDelay } from 'node:perf_hooks'
import { afterAll, describe, expect, it } from 'vitest'
import type { WebsocketProvider } from 'y-websocket'
import type { RunningServer } from '../../server/index.ts'
import { createToken } from '../../server/tokens.ts'
import { holdInSchema } from '../helpers/postgres.ts'
import { addParagraph, content, DOC, presenceRounds, synced, waitFor } from '../server/helpers.ts'
import { provider, sharedStorage, startServers, type SharedStorage } from './helpers.ts'

// How long the other session holds the row: past the lease's 1 s (it lapses in storage meanwhile),
// under the 5 s storage call timeout.
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

  it('keeps its loop going, holds the lease again after, and loses no edit made meanwhile', { timeout: 60_000 }, async () => {
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
    const delay = monitorEventLoopDelay({ resolution: 10 })
    try {
      const lockedAt = performance.now()
      delay.enable()
      addParagraph(here.doc, 'during the lock')
      round = await presenceRounds(here, there, 'CHN', ['#e07000', '#0070e0', '#00a050', '#a000a0'], 300)
      await new Promise((r) => setTimeout(r, Math.max(0, HOLD_MS - (performance.now() - lockedAt))))
      delay.disable()
      // Nothing unstored reaches anyone.
      expect(content(there.doc)).not.toContain('during the lock')
    } finally {
      await locker.release()
    }
    // A loop blocked on the renewal would have stalled for the whole hold (≈ 2 s).
    expect(delay.max / 1e6).toBeLessThan(500)
    expect(round).toBeLessThan(500)

    await waitFor(() => content(there.doc).includes('during the lock'), 'the edit made during the lock goes round', 10_000)
    await waitFor(() => server.cluster!.linkOf(DOC)?.authoritative === true, 'the server holds the lease again', 5_000)
    addParagraph(here.doc, 'after the lock')
    await waitFor(() => content(there.doc).includes('after the lock'), 'an edit goes round again', 5_000)
  })
})
