// The meeting home for a real meeting (Chromium against the real server): the secretariat edits the
// roster and open editors follow without a reload; it sets who may open a document (a withdrawn tab
// turns read only at once and says why); it archives a document (read only for everyone, listed apart).
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import type { Page } from 'playwright-core'
import { browserSkipReason, startHarness, type Harness } from './harness.ts'
import { scenario } from './scenario.ts'

const missing = browserSkipReason()
const DOC = 'astana-statement'

describe.skipIf(missing !== null)('managing the meeting from its home', () => {
  let h: Harness
  beforeAll(async () => { h = await startHarness() }, 120_000)
  afterAll(async () => { await h?.close() })

  async function home(page: Page): Promise<void> {
    await page.goto(h.server.url + '/')
    await page.getByRole('link', { name: /Draft Astana Statement/ }).waitFor()
  }

  it('adds and recolours delegations; the open editor shows them without a reload; a link is issued for the new one', { timeout: 90_000 }, scenario(() => h, 'roster', async (open) => {
    const editor = await open(h.links.secretariat)
    const ind = await open(h.links.IND)
    const sec = await open(h.links.secretariat, false)
    await home(sec)
    const roster = sec.getByRole('region', { name: 'Delegations' })
    await roster.waitFor()

    // A bad code is said in words before anything is sent; nothing is added.
    await sec.getByLabel('Code of the new delegation').fill('K')
    await sec.getByLabel('Name of the new delegation').fill('Kazakhstan')
    await sec.getByRole('button', { name: 'Add delegation' }).click()
    await expect.poll(() => sec.locator('#roster-problem').textContent(), { timeout: 10_000 }).toContain('is not a delegation code')
    // An alias another delegation already has: the server's words (the same check ran here first).
    await sec.getByLabel('Code of the new delegation').fill('KAZ')
    await sec.getByLabel('Aliases of the new delegation').fill('IND')
    await sec.getByRole('button', { name: 'Add delegation' }).click()
    await expect.poll(() => sec.locator('#roster-problem').textContent(), { timeout: 10_000 }).toContain('IND already names a delegation')
    await sec.getByLabel('Aliases of the new delegation').fill('КАЗ')
    await sec.getByLabel('Colour of the new delegation').fill('#00afca')
    await sec.getByRole('button', { name: 'Add delegation' }).click()
    await expect.poll(() => roster.locator('tr[data-code="KAZ"]').count(), { timeout: 5000 }).toBe(1)
    expect(await sec.locator('.flash').textContent()).toContain('KAZ (Kazakhstan) added')

    // IND recoloured from its row.
    const indRow = roster.locator('tr[data-code="IND"]')
    await indRow.getByLabel('Colour of IND').fill('#112233')
    await indRow.getByLabel('Name of IND').fill('Republic of India')
    await indRow.getByRole('button', { name: 'Save IND' }).click()
    await expect.poll(() => sec.locator('.flash').textContent(), { timeout: 5000 }).toContain('IND saved: Republic of India')

    // The open editors follow within seconds: the picker offers KAZ, IND's chips take the new colour and name.
    await expect.poll(() => editor.locator('#speaking-for option[value="KAZ"]').count(), { timeout: 10_000 }).toBe(1)
    const chip = ind.locator('.pm-position[data-delegation="IND"]').first()
    await expect.poll(() => chip.evaluate((el) => (el as HTMLElement).style.getPropertyValue('--c')), { timeout: 10_000 }).toBe('#112233')
    expect(await chip.getAttribute('title')).toMatch(/^Republic of India/)

    // The secretariat states KAZ's position at once; the server takes it (the trust rules use the live roster).
    await editor.locator('#speaking-for').selectOption('KAZ')
    await editor.locator('.podium-text p', { hasText: 'PP1.' }).first().click()
    await editor.keyboard.press('End')
    await editor.keyboard.press('Alt+=')
    await expect.poll(async () => (await (await fetch(`${h.server.url}/api/docs/${DOC}/text`, { headers: { Authorization: `Bearer ${h.links.secretariat.token}` } })).text()).includes('(+KAZ)'), { timeout: 10_000 }).toBe(true)
    expect(await editor.locator('.notice').textContent() ?? '').not.toContain('not accepted')

    // A sign-in link for the new delegation, from the same home.
    await sec.getByLabel('Role').selectOption('delegation')
    await sec.getByLabel('Delegation', { exact: true }).selectOption('KAZ')
    await sec.getByLabel('Label').fill('KAZ head')
    await sec.getByRole('button', { name: 'Issue link' }).click()
    await expect.poll(() => sec.getByLabel('New sign-in link').count(), { timeout: 5000 }).toBe(1)
    expect(await sec.locator('.issued').textContent()).toContain('Link for KAZ')
  }))

  it('a draft is the secretariat\'s until released; withdrawing a document turns an open delegation tab read only at once', { timeout: 90_000 }, scenario(() => h, 'visibility', async (open) => {
    const sec = await open(h.links.secretariat, false)
    await home(sec)
    await sec.locator('#new-name').fill('draft-one')
    await sec.locator('#new-title').fill('First draft')
    expect(await sec.locator('#new-visibility').inputValue()).toBe('secretariat')
    await sec.getByRole('button', { name: 'Create' }).click()
    await sec.locator('tr[data-doc="draft-one"]').waitFor()

    const indHome = await open(h.links.IND)
    await home(indHome)
    expect(await indHome.locator('tr[data-doc="draft-one"]').count()).toBe(0)
    // Released to delegations: IND's home lists it at its next refresh.
    await sec.getByLabel('Who may open First draft').selectOption('delegations')
    await expect.poll(() => sec.locator('.flash').textContent(), { timeout: 5000 }).toContain('First draft: delegations')
    await expect.poll(() => indHome.locator('tr[data-doc="draft-one"]').count(), { timeout: 10_000 }).toBe(1)

    // Withdrawn from delegations while IND has the statement open: asked first, then IND's tab turns read only and says why.
    const ind = await open(h.links.IND)
    await sec.getByLabel('Who may open Draft Astana Statement on CICA Transformation').selectOption('secretariat')
    const dialog = sec.getByRole('dialog')
    expect(await dialog.textContent()).toContain('disconnected at once')
    await dialog.getByRole('button', { name: 'Withdraw' }).click()
    await expect.poll(() => ind.locator('.podium-text').getAttribute('contenteditable'), { timeout: 5000 }).toBe('false')
    expect(await ind.locator('.notice').textContent()).toContain('withdrawn astana-statement from delegations')
    // Back to everyone, for the other stories.
    await sec.getByLabel('Who may open Draft Astana Statement on CICA Transformation').selectOption('public')
    await expect.poll(() => h.server.storage.getDoc(DOC)?.visibility, { timeout: 5000 }).toBe('public')
  }))

  it('an archived document is read only for everyone and listed apart; unarchived it is editable again', { timeout: 90_000 }, scenario(() => h, 'archive', async (open) => {
    const ind = await open(h.links.IND)
    const sec = await open(h.links.secretariat, false)
    await home(sec)
    await sec.getByRole('button', { name: 'Archive Draft Astana Statement on CICA Transformation' }).click()
    await sec.getByRole('dialog').getByRole('button', { name: 'Archive' }).click()
    await expect.poll(() => sec.locator('table.docs.archived tr[data-doc="astana-statement"]').count(), { timeout: 5000 }).toBe(1)
    expect(await sec.locator('table.docs:not(.archived) tr[data-doc="astana-statement"]').count()).toBe(0)
    // The open editor turns read only at once and says why.
    await expect.poll(() => ind.locator('.podium-text').getAttribute('contenteditable'), { timeout: 5000 }).toBe('false')
    expect(await ind.locator('.notice').textContent()).toContain('archived')
    // Opened again, it is read only from the start, and says so.
    const again = await open(h.links.IND, false)
    await again.waitForSelector('.podium-text[contenteditable="false"]')
    expect(await again.locator('.notice').textContent()).toContain('archived')
    // Still exported.
    const res = await fetch(`${h.server.url}/api/docs/${DOC}/export?format=text`, { headers: { Authorization: `Bearer ${h.links.IND.token}` } })
    expect(res.status).toBe(200)
    // Unarchived: a fresh tab edits again.
    await sec.getByRole('button', { name: 'Unarchive Draft Astana Statement on CICA Transformation' }).click()
    await expect.poll(() => h.server.storage.getDoc(DOC)?.archivedAt ?? null, { timeout: 5000 }).toBeNull()
    await open(h.links.IND)
  }))
})
