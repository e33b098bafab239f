// Work done apart is merged by Yjs letter by letter; a paragraph both sides changed while apart is
// flagged to both with the two versions (Chromium against the real server).
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { browserSkipReason, startHarness, selectIn, paragraphText, serverText, type Harness } from './harness.ts'
import { scenario } from './scenario.ts'

const missing = browserSkipReason()

describe.skipIf(missing !== null)('merges after working apart', () => {
  let h: Harness
  beforeAll(async () => { h = await startHarness() }, 120_000)
  afterAll(async () => { await h?.close() })

  it('a paragraph both sides changed while one was offline is flagged to both, with the versions at hand', scenario(() => h, 'merge-flags', async (open) => {
    const ind = await open(h.links.IND)
    const chn = await open(h.links.CHN)
    // Both are heard once, then IND goes offline.
    await selectIn(ind, 'PP9.', null)
    await ind.keyboard.type(' i', { delay: 10 })
    await expect.poll(() => paragraphText(chn, 'PP9.'), { timeout: 10_000 }).toMatch(/ i$/)
    await ind.context().setOffline(true)
    await expect.poll(() => ind.locator('.link-state').getAttribute('data-state'), { timeout: 5000 }).toBe('offline')
    await selectIn(ind, 'PP4.', 'mutually beneficial', 'end')
    await ind.keyboard.type(' our firm resolve', { delay: 10 })
    await selectIn(chn, 'PP4.', 'mutually beneficial', 'end')
    await chn.keyboard.type(' unwavering determination', { delay: 10 })
    await expect.poll(() => serverText(h), { timeout: 10_000 }).toContain('unwavering determination')
    // Another paragraph only one side changed is not flagged.
    await selectIn(ind, 'PP6.', null)
    await ind.keyboard.type(' only India here', { delay: 10 })
    await ind.waitForTimeout(4500)
    await ind.context().setOffline(false)
    await expect.poll(() => serverText(h), { timeout: 15_000 }).toContain('our firm resolve')
    for (const [page, other] of [[ind, 'CHN'], [chn, 'IND']] as const) {
      const item = page.locator('.merge-flags li')
      await expect.poll(() => item.count(), { timeout: 10_000 }).toBe(1)
      expect(await item.locator('.merge-what').textContent()).toBe(`PP4: merged with ${other}'s change — check`)
      const merged = (await item.locator('.merge-now').textContent()) ?? ''
      expect(merged).toContain('our firm resolve')
      expect(merged).toContain('unwavering determination')
    }
    expect(await ind.locator('.merge-flags .merge-yours').textContent()).toContain('our firm resolve')
    expect(await ind.locator('.merge-flags .merge-yours').textContent()).not.toContain('unwavering')
    expect(await chn.locator('.merge-flags .merge-yours').textContent()).toContain('unwavering determination')
    expect(await chn.locator('.merge-flags .merge-yours').textContent()).not.toContain('our firm')
    // Checked: the flag goes.
    await chn.locator('.merge-flags').getByRole('button', { name: 'Checked' }).click()
    expect(await chn.locator('.merge-flags').isHidden()).toBe(true)
  }))
})
