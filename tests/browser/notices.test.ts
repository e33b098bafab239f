// Nobody's text changes without notice (Chromium against the real server): a restore done by the
// secretariat reaches every screen with a notice naming who restored what, and a delegate who had
// been typing gets the paragraph as they had it offered back.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { browserSkipReason, startHarness, selectIn, serverText, type Harness } from './harness.ts'
import { scenario } from './scenario.ts'

const missing = browserSkipReason()

describe.skipIf(missing !== null)('notices of restore and replace', () => {
  let h: Harness
  beforeAll(async () => { h = await startHarness() }, 120_000)
  afterAll(async () => { await h?.close() })

  const post = (path: string, body: unknown) => fetch(`${h.server.url}/api/docs/astana-statement/${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${h.links.secretariat.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body)
  })

  it('a restore is announced on every screen, naming who restored what; what a delegate typed is offered back', scenario(() => h, 'restore-notice', async (open) => {
    const snap = await post('snapshots', { label: 'Podium version as of COB, 4 October 2022' })
    expect(snap.status).toBeLessThan(300)
    const { id } = await snap.json() as { id: number }
    const ind = await open(h.links.IND)
    const chn = await open(h.links.CHN)
    const observer = await open(h.links.observer, false)
    await selectIn(chn, 'PP3.', null)
    await chn.keyboard.type(' and our own addition', { delay: 10 })
    await selectIn(ind, 'PP2.', null)
    await ind.keyboard.type(' while we', { delay: 10 })
    await expect.poll(() => serverText(h), { timeout: 10_000 }).toContain('while we')
    const restored = await post('restore', { snapshot: id })
    expect(restored.status).toBeLessThan(300)
    await expect.poll(() => serverText(h), { timeout: 10_000 }).not.toContain('and our own addition')
    for (const page of [ind, chn, observer]) {
      const notice = page.locator('.restore-notice')
      await expect.poll(() => notice.isVisible(), { timeout: 10_000 }).toBe(true)
      const text = (await notice.textContent()) ?? ''
      // "Secretariat", not "Secretariat (Secretariat)".
      expect(await notice.locator('p').first().textContent()).toMatch(/^Secretariat restored “Podium version as of COB, 4 October 2022” for everyone/)
      expect(text).toContain('Before restoring')
    }
    // Each delegate who had typed gets the paragraph as they had it.
    await expect.poll(() => ind.locator('.restore-notice .typed-before').textContent(), { timeout: 5000 }).toMatch(/while we$/)
    await expect.poll(() => chn.locator('.restore-notice .typed-before').textContent(), { timeout: 5000 }).toMatch(/and our own addition$/)
    expect(await observer.locator('.restore-notice .typed-before').count()).toBe(0)
  }))
})
