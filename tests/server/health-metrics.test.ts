import { afterEach, describe, expect, it } from 'vitest'
import { addParagraph, cleanupDirs, connect, destroyAll, start, synced, token, waitFor } from './helpers.ts'

afterEach(cleanupDirs)

function metric(text: string, name: string): number {
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text)
  if (!m) throw new Error(`metric ${name} missing`)
  return Number(m[1])
}

describe('health and metrics', () => {
  it('GET /healthz answers 200 JSON without a token', async () => {
    const server = await start()
    const res = await fetch(`${server.url}/healthz`)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ ok: true })
    await server.close()
  })

  it('GET /metrics counts connections, loaded documents, updates applied and persisted, bytes and loop delay', async () => {
    const server = await start()
    const read = async () => (await fetch(`${server.url}/metrics`)).text()
    const before = await read()
    expect(metric(before, 'podium_connections')).toBe(0)
    expect(metric(before, 'podium_documents_loaded')).toBe(0)
    expect(metric(before, 'podium_bytes_stored')).toBeGreaterThan(1000)
    expect(before).toMatch(/^podium_event_loop_delay_seconds\{quantile="0.99"\} [\d.e-]+$/m)
    expect(before).toContain('# TYPE podium_updates_persisted_total counter')

    const p = connect(server, token(server, 'delegation', 'IND'))
    await synced(p)
    for (let i = 0; i < 5; i++) addParagraph(p.doc, `metric edit ${i}`)
    await waitFor(() => server.metrics.counters.updatesPersisted >= 5, 'updates persisted')
    const after = await read()
    expect(metric(after, 'podium_connections')).toBe(1)
    expect(metric(after, 'podium_documents_loaded')).toBe(1)
    expect(metric(after, 'podium_updates_applied_total')).toBeGreaterThanOrEqual(5)
    expect(metric(after, 'podium_updates_persisted_total')).toBeGreaterThanOrEqual(5)
    expect(metric(after, 'podium_bytes_stored')).toBeGreaterThan(metric(before, 'podium_bytes_stored'))
    destroyAll(p)
    await server.close()
  })
})
