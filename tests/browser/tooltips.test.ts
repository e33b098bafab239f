// Disabled buttons say why in their tooltip (Chromium against the real server).
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { browserSkipReason, startHarness, type Harness } from './harness.ts'
import { scenario } from './scenario.ts'

const missing = browserSkipReason()

describe.skipIf(missing !== null)('disabled toolbar buttons', () => {
  let h: Harness
  beforeAll(async () => { h = await startHarness() }, 120_000)
  afterAll(async () => { await h?.close() })

  it('each says why it is disabled', { timeout: 90_000 }, scenario(() => h, 'tooltips', async (open) => {
    const ind = await open(h.links.IND)
    const button = (name: string) => ind.getByRole('button', { name, exact: true })
    await ind.locator('.podium-text p', { hasText: 'PP1.' }).first().click()
    const label = button('Insert the next free paragraph label (same series as above)')
    await expect.poll(() => label.isDisabled(), { timeout: 10_000 }).toBe(true)
    expect(await button('Insert the next free paragraph label (same series as above)').getAttribute('title')).toBe('This paragraph already has a label')
    const adref = button('Mark the paragraph agreed ad ref, locking it for delegations (again: reopen it)')
    expect(await adref.isDisabled()).toBe(true)
    expect(await adref.getAttribute('title')).toBe('Only the secretariat and the chair mark a paragraph agreed ad ref')
    expect(await button('Undo your last change').getAttribute('title')).toBe('Nothing of yours to undo (others\' changes are theirs)')
    // Once IND has typed, Undo is enabled and its tooltip is its name and key again.
    await ind.keyboard.press('End')
    await ind.keyboard.type(' x')
    const undo = button('Undo your last change')
    await expect.poll(() => undo.isDisabled(), { timeout: 10_000 }).toBe(false)
    expect(await undo.getAttribute('title')).toMatch(/^Undo your last change \(/)
  }))
})
