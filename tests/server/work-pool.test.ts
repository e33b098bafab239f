// The worker pool's bounds (server/work/pool.ts): per-token 429, a full queue 503, a job over its
// time or memory limit stopped and answered 503 in words, and the pool still working afterwards.

import { afterAll, describe, expect, it } from 'vitest'
import pino from 'pino'
import { WorkPool, WorkRefused } from '../../server/work/pool.ts'
import { cleanupDirs, tempDir } from './helpers.ts'

afterAll(cleanupDirs)

const log = pino({ level: 'silent' })
const text = (n: number) => ({ filename: 'a.txt', text: 'PP1. Recalling [the Charter] (+IND).\n'.repeat(n), roster: [] })

function pool(o: Partial<ConstructorParameters<typeof WorkPool>[0]> = {}): WorkPool {
  return new WorkPool({ dataDir: tempDir(), log, workers: 1, queue: 1, perToken: 2, pdfAtOnce: 1, timeoutMs: 20_000, memoryMb: 256, ...o })
}

async function refusal(p: Promise<unknown>): Promise<WorkRefused> {
  try {
    await p
  } catch (err) {
    if (err instanceof WorkRefused) return err
    throw err
  }
  throw new Error('the job was not refused')
}

describe('the worker pool', () => {
  it('answers 429 past a token\'s jobs and 503 when the queue is full', async () => {
    const p = pool()
    const keep = setInterval(() => {}, 1000)
    try {
      const a = p.run('preview', text(20_000), 'one')
      const b = p.run('preview', text(10), 'one')
      const third = await refusal(p.run('preview', text(10), 'one'))
      expect(third.status).toBe(429)
      expect(third.reply().headers?.['retry-after']).toBe('2')
      // One running, one waiting: the queue (1) is full for anyone.
      const full = await refusal(p.run('preview', text(10), 'two'))
      expect(full.status).toBe(503)
      expect(full.message).toMatch(/busy/)
      expect((await a).status).toBe(200)
      expect((await b).status).toBe(200)
      expect((await p.run('preview', text(10), 'two')).status).toBe(200)
    } finally {
      clearInterval(keep)
      await p.close()
    }
  }, 30_000)

  it('stops a job over its time limit, and one over its memory limit, in words; the next job runs', async () => {
    const keep = setInterval(() => {}, 1000)
    const slow = pool({ timeoutMs: 300 })
    const small = pool({ memoryMb: 32 })
    try {
      const late = await refusal(slow.run('preview', text(400_000), 'k'))
      expect(late.status).toBe(503)
      expect(late.message).toMatch(/^this import took longer than 0 s and was stopped$|^this import took longer than \d+ s and was stopped$/)
      const big = await refusal(small.run('preview', text(450_000), 'k'))
      expect(big.status).toBe(503)
      expect(big.message).toMatch(/needed more than the 32 MB a job may use/)
      expect((await small.run('preview', text(10), 'k')).status).toBe(200)
    } finally {
      clearInterval(keep)
      await slow.close()
      await small.close()
    }
  }, 60_000)
})
