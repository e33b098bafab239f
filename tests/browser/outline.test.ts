// The outline while others type, in a real Chromium against the real server: a row whose paragraph
// did not change is not drawn again, so a secretariat moving through the outline with the keyboard
// keeps its place while delegations type elsewhere; a row whose paragraph changed follows.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import type { Page } from 'playwright-core'
import { browserSkipReason, startHarness, selectIn, type Harness } from './harness.ts'
import { scenario as runScenario } from './scenario.ts'

const missing = browserSkipReason()

/** The focused element's text, and whether it is an outline row's button. */
function focused(page: Page): Promise<{ outline: boolean; text: string }> {
  return page.evaluate(() => {
    const el = document.activeElement
    return { outline: !!el?.classList.contains('outline-item'), text: el?.textContent ?? '' }
  })
}

describe.skipIf(missing !== null)('the outline while others type', () => {
  let h: Harness

  beforeAll(async () => { h = await startHarness() }, 120_000)
  afterAll(async () => { await h?.close() })

  it('keeps keyboard focus on an unchanged row while a delegation types, and redraws the row that changed', runScenario(() => h, 'outline-focus', async (open) => {
    const sec = await open(h.links.secretariat)
    const chn = await open(h.links.CHN)
    const outlineTab = sec.getByRole('tab', { name: 'Outline' })
    if (await outlineTab.count()) await outlineTab.click()
    const pp1 = sec.locator('.outline-item', { hasText: 'PP1' }).first()
    await pp1.focus()
    expect(await focused(sec)).toMatchObject({ outline: true })
    const before = (await focused(sec)).text
    const pp3Row = sec.locator('.outline li', { hasText: 'PP3' }).first()
    const bracketsBefore = await pp3Row.textContent()

    // CHN types words into PP3 and brackets them: every screen follows; PP1's row stays as it was.
    await selectIn(chn, 'PP3.', 'PP3.', 'end')
    await chn.keyboard.type(' outline words', { delay: 10 })
    await selectIn(chn, 'PP3.', 'outline words')
    await chn.keyboard.press('Alt+b')
    await expect.poll(() => sec.locator('.podium-text').textContent(), { timeout: 10_000 }).toContain('outline words')
    await expect.poll(() => pp3Row.textContent(), { timeout: 5000 }).not.toBe(bracketsBefore)
    const after = await focused(sec)
    expect(after).toEqual({ outline: true, text: before })
  }))
})
