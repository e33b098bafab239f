import { afterEach, describe, expect, it } from 'vitest'
import { cleanupDirs, connect, destroyAll, start, synced, token, waitFor } from './helpers.ts'

afterEach(cleanupDirs)

describe('presence (awareness)', () => {
  it('reaches the other clients, late joiners included, and is removed when a client leaves', async () => {
    const server = await start()
    const a = connect(server, token(server, 'delegation', 'IND'))
    const b = connect(server, token(server, 'observer'))
    await Promise.all([synced(a), synced(b)])
    a.awareness.setLocalStateField('user', { delegation: 'IND', colour: '#e07000' })
    await waitFor(() => (b.awareness.getStates().get(a.doc.clientID) as { user?: { delegation: string } } | undefined)?.user?.delegation === 'IND', 'b sees a')
    const c = connect(server, token(server, 'chair'))
    await synced(c)
    await waitFor(() => c.awareness.getStates().has(a.doc.clientID), 'late joiner sees a')
    const aId = a.doc.clientID
    a.destroy()
    await waitFor(() => !b.awareness.getStates().has(aId) && !c.awareness.getStates().has(aId), 'a removed')
    expect(server.hub.rooms.get('astana-statement')!.awareness.getStates().has(aId)).toBe(false)
    a.doc.destroy()
    destroyAll(b, c)
    await server.close()
  })
})
