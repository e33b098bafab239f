import { afterEach, describe, expect, it } from 'vitest'
import { addParagraph, cleanupDirs, connect, content, destroyAll, start, synced, token, waitFor } from './helpers.ts'
import type { RunningServer } from '../../server/index.ts'

afterEach(cleanupDirs)

// The value of one series (`name{labels} value`), or undefined when /metrics does not have it.
function series(text: string, name: string, labels = ''): number | undefined {
  const escaped = (name + (labels ? `{${labels}}` : '')).replace(/[{}.+"]/g, (c) => '\\' + c)
  const m = new RegExp(`^${escaped} (\\S+)$`, 'm').exec(text)
  return m ? Number(m[1]) : undefined
}

function must(text: string, name: string, labels = ''): number {
  const v = series(text, name, labels)
  if (v === undefined) throw new Error(`series ${name}{${labels}} missing from /metrics`)
  return v
}

async function scrape(server: RunningServer): Promise<string> {
  const res = await fetch(`${server.url}/metrics`)
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
  return res.text()
}

// Writer IND adds `n` paragraphs; a reader (observer) must see every one of them.
async function edit(server: RunningServer, n: number, tag: string): Promise<void> {
  const writer = connect(server, token(server, 'delegation', 'IND'))
  const reader = connect(server, token(server, 'observer'))
  await Promise.all([synced(writer), synced(reader)])
  for (let i = 0; i < n; i++) addParagraph(writer.doc, `${tag} ${i}`)
  await waitFor(() => content(reader.doc).includes(`${tag} ${n - 1}`), 'the reader has every edit')
  destroyAll(writer, reader)
}

describe('/metrics through prom-client', () => {
  it('has histograms for append and fan-out latency whose counts move with edits, and the default process metrics', async () => {
    const server = await start()
    const before = await scrape(server)
    expect(before).toContain('# TYPE podium_storage_append_seconds histogram')
    expect(before).toContain('# TYPE podium_fanout_seconds histogram')
    expect(must(before, 'podium_fanout_seconds_count', 'source="local"')).toBe(0)
    expect(must(before, 'podium_storage_append_seconds_count', 'op="append"') + must(before, 'podium_storage_append_seconds_count', 'op="append_many"')).toBe(0)
    // Millisecond buckets: the budgets (50 ms, 100 ms) fall on bucket bounds.
    expect(before).toMatch(/^podium_fanout_seconds_bucket\{le="0\.05",source="local"\} 0$/m)
    expect(before).toMatch(/^podium_fanout_seconds_bucket\{le="0\.001",source="local"\} 0$/m)
    // prom-client's defaults, once each.
    expect(must(before, 'process_cpu_seconds_total')).toBeGreaterThan(0)
    expect(must(before, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0)
    expect(before).toContain('# TYPE nodejs_eventloop_lag_p99_seconds gauge')
    expect(before.match(/^# TYPE process_cpu_seconds_total /gm)).toHaveLength(1)
    // The metrics /metrics had before prom-client, same names and types.
    expect(before).toContain('# TYPE podium_updates_persisted_total counter')
    expect(before).toMatch(/^podium_event_loop_delay_seconds\{quantile="0.99"\} [\d.e-]+$/m)

    await edit(server, 6, 'histogram edit')
    const after = await scrape(server)
    const fanouts = must(after, 'podium_fanout_seconds_count', 'source="local"')
    expect(fanouts).toBeGreaterThanOrEqual(6)
    expect(must(after, 'podium_fanout_seconds_bucket', 'le="+Inf",source="local"')).toBe(fanouts)
    expect(must(after, 'podium_fanout_seconds_sum', 'source="local"')).toBeGreaterThan(0)
    const appends = must(after, 'podium_storage_append_seconds_count', 'op="append"') + must(after, 'podium_storage_append_seconds_count', 'op="append_many"')
    expect(appends).toBeGreaterThanOrEqual(1)
    expect(appends).toBeLessThanOrEqual(must(after, 'podium_updates_persisted_total'))
    expect(must(after, 'podium_updates_persisted_total')).toBeGreaterThanOrEqual(6)
    await server.close()
  })

  it('gives each of two servers in one process its own registry', async () => {
    const a = await start()
    const b = await start()
    expect(a.metrics.registry).not.toBe(b.metrics.registry)
    await edit(a, 3, 'only on A')
    const [textA, textB] = await Promise.all([scrape(a), scrape(b)])
    expect(must(textA, 'podium_fanout_seconds_count', 'source="local"')).toBeGreaterThanOrEqual(3)
    expect(must(textB, 'podium_fanout_seconds_count', 'source="local"')).toBe(0)
    expect(must(textA, 'podium_updates_persisted_total')).toBeGreaterThanOrEqual(3)
    expect(must(textB, 'podium_updates_persisted_total')).toBe(0)
    expect(must(textB, 'process_resident_memory_bytes')).toBeGreaterThan(0)
    // Closing one leaves the other's metrics working.
    await a.close()
    expect(must(await scrape(b), 'podium_connections')).toBe(0)
    await b.close()
  })

  it('offers the cluster runtime hooks: remote fan-out, relayed and forwarded counts, gauges by name; bad arguments throw', async () => {
    const server = await start()
    const m = server.metrics
    m.observeFanout(0.003, 'remote')
    m.observeFanout(0.2, 'remote')
    m.relayed('out', 2)
    m.relayed('in')
    m.forwarded(4)
    let leases = 3
    m.gauge('podium_test_leases_held', 'Leases this server holds.', () => leases)
    m.gauge('podium_test_peers', 'Peers by server.', () => new Map([['a', 1], ['b', 2]]), 'server')
    const counter = m.counter('podium_test_events_total', 'Events.', ['kind'])
    counter.inc({ kind: 'lost' })
    leases = 5
    const text = await scrape(server)
    expect(must(text, 'podium_fanout_seconds_count', 'source="remote"')).toBe(2)
    expect(must(text, 'podium_fanout_seconds_bucket', 'le="0.005",source="remote"')).toBe(1)
    expect(must(text, 'podium_updates_relayed_total', 'direction="out"')).toBe(2)
    expect(must(text, 'podium_updates_relayed_total', 'direction="in"')).toBe(1)
    expect(must(text, 'podium_updates_forwarded_total')).toBe(4)
    expect(must(text, 'podium_test_leases_held')).toBe(5)
    expect(must(text, 'podium_test_peers', 'server="b"')).toBe(2)
    expect(must(text, 'podium_test_events_total', 'kind="lost"')).toBe(1)

    expect(() => m.observeFanout(-0.001)).toThrow(RangeError)
    expect(() => m.observeFanout(Number.NaN)).toThrow(/NaN|null/)
    expect(() => m.observeFanout(0.001, 'elsewhere' as 'local')).toThrow(RangeError)
    expect(() => m.observeAppend(Infinity, 1)).toThrow(RangeError)
    expect(() => m.relayed('out', 1.5)).toThrow(RangeError)
    expect(() => m.gauge('leases', 'no prefix', () => 1)).toThrow(/"leases" is not podium_/)
    expect(() => m.gauge('podium_test_leases_held', 'again', () => 1)).toThrow(/already registered/)
    expect(() => m.counter('podium_connections', 'taken', [])).toThrow(/already registered/)
    // Nothing was counted by the refused calls.
    const again = await scrape(server)
    expect(must(again, 'podium_fanout_seconds_count', 'source="remote"')).toBe(2)
    expect(must(again, 'podium_fanout_seconds_count', 'source="local"')).toBe(0)
    await server.close()
  })
})
