// Links for a real meeting (Chromium against the real server): revocations are confirmed, one's own
// link is marked, the last secretariat link cannot be revoked, labels stay unique, and a tab whose
// link is revoked turns read-only at once with a plain explanation.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { readFileSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { browserSkipReason, startHarness, type Harness } from './harness.ts'
import { scenario } from './scenario.ts'

const missing = browserSkipReason()

describe.skipIf(missing !== null)('sign-in links on the meeting home', () => {
  let h: Harness
  beforeAll(async () => { h = await startHarness() }, 120_000)
  afterAll(async () => { await h?.close() })

  async function issue(sec: Page, role: string, label: string, delegation?: string): Promise<string> {
    await sec.getByLabel('Role').selectOption(role)
    if (delegation) await sec.getByLabel('Delegation', { exact: true }).selectOption(delegation)
    await sec.getByLabel('Label').fill(label)
    await sec.getByLabel('Opens').selectOption('astana-statement')
    await sec.getByRole('button', { name: 'Issue link' }).click()
    await expect.poll(() => sec.getByLabel('New sign-in link').count(), { timeout: 5000 }).toBe(1)
    return sec.getByLabel('New sign-in link').inputValue()
  }

  it('own link marked, last secretariat link kept, revocations confirmed, labels unique; a revoked tab turns read-only', scenario(() => h, 'links', async (open) => {
    const sec = await open(h.links.secretariat)
    await sec.goto(h.server.url + '/')
    await sec.getByRole('link', { name: /Draft Astana Statement/ }).waitFor()
    const mine = sec.locator('table.tokens tr[data-you]')
    await expect.poll(() => mine.count(), { timeout: 5000 }).toBe(1)
    expect(await mine.textContent()).toContain('secretariat (you)')
    // The only secretariat link: its Revoke is disabled and says why.
    const revokeMine = mine.getByRole('button', { name: /^Revoke/ })
    expect(await revokeMine.isDisabled()).toBe(true)
    expect(await revokeMine.getAttribute('title')).toContain('last secretariat link')
    // …and the server refuses it in words too.
    const list = await (await fetch(`${h.server.url}/api/tokens`, { headers: { Authorization: `Bearer ${h.links.secretariat.token}` } })).json() as { id: string; role: string }[]
    const own = list.find((t) => t.role === 'secretariat')!
    const refused = await fetch(`${h.server.url}/api/tokens/${own.id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${h.links.secretariat.token}` } })
    expect(refused.status).toBe(409)
    expect(await refused.text()).toContain('last working secretariat link')

    // A delegation link; a second one with the same label is refused in words.
    const link = await issue(sec, 'delegation', 'RUS head of delegation', 'RUS')
    await sec.getByLabel('Label').fill('rus HEAD of delegation')
    await sec.getByRole('button', { name: 'Issue link' }).click()
    await expect.poll(() => sec.locator('body').textContent(), { timeout: 5000 }).toContain('already labelled')

    // A second secretariat link makes one's own revocable — behind a confirmation that says it is one's own.
    await issue(sec, 'secretariat', 'deputy secretary')
    await expect.poll(() => revokeMine.isDisabled(), { timeout: 5000 }).toBe(false)
    await revokeMine.click()
    const dialog = sec.getByRole('dialog')
    expect(await dialog.textContent()).toContain('the link you are signed in with')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    expect(await sec.locator('table.tokens tr[data-you][data-revoked="false"]').count()).toBe(1)

    // Revoking the RUS link, confirmed: the RUS tab turns read-only at once and says why.
    const rus = await open({ role: 'delegation', delegation: 'RUS', token: '', url: link })
    await sec.getByRole('button', { name: 'Revoke the RUS link RUS head of delegation' }).click()
    await sec.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click()
    await expect.poll(() => rus.locator('.podium-text').getAttribute('contenteditable'), { timeout: 5000 }).toBe('false')
    expect(await rus.locator('.notice').textContent()).toContain('Read only: this sign-in link no longer works')
    expect(await rus.getByRole('button', { name: 'Bracket the selection' }).isDisabled()).toBe(true)
  }))

  it('a document name is checked as it is typed and refused in words by the server', scenario(() => h, 'doc-name', async (open) => {
    const sec = await open(h.links.secretariat)
    await sec.goto(h.server.url + '/')
    await sec.getByRole('link', { name: /Draft Astana Statement/ }).waitFor()
    const name = sec.locator('#new-name')
    await name.fill('my draft!')
    await expect.poll(() => sec.locator('#new-name-problem').textContent()).toBe("A document name may use only letters, digits, '.', '_' and '-', at most 100 characters; not spaces, “!”")
    expect(await name.evaluate((el: HTMLInputElement) => el.validity.valid)).toBe(false)
    await name.fill('my-draft')
    await expect.poll(() => sec.locator('#new-name-problem').textContent()).toBe('')
    const res = await fetch(`${h.server.url}/api/docs`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${h.links.secretariat.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'draft/2' })
    })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain("A document name may use only letters, digits, '.', '_' and '-', at most 100 characters; not “/”")
  }))

  it('the secretariat issues links for every delegation at once: a list to print and a CSV whose links work', scenario(() => h, 'batch-links', async (open) => {
    const me = await (await fetch(`${h.server.url}/api/me`, { headers: { Authorization: `Bearer ${h.links.secretariat.token}` } })).json() as { roster: { code: string }[] }
    const sec = await open(h.links.secretariat)
    await sec.goto(h.server.url + '/')
    await sec.getByRole('link', { name: /Draft Astana Statement/ }).waitFor()
    await sec.getByLabel('Opens').selectOption('astana-statement')
    await sec.getByRole('button', { name: 'Links for every delegation…' }).click()
    await sec.getByRole('dialog').getByRole('button', { name: 'Issue links' }).click()
    const rows = sec.locator('.batch-links tbody tr')
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(me.roster.length)
    const [download] = await Promise.all([sec.waitForEvent('download'), sec.getByRole('button', { name: 'Save as CSV' }).click()])
    expect(download.suggestedFilename()).toMatch(/^sign-in-links-\d{12}\.csv$/)
    const csv = readFileSync((await download.path())!, 'utf8').trim().split('\r\n')
    expect(csv[0]).toBe('code,delegation,link')
    expect(csv.length).toBe(me.roster.length + 1)
    const tur = csv.find((l) => l.startsWith('"TUR"'))!
    const link = /"(http[^"]+)"$/.exec(tur)![1]
    expect(link).toMatch(/\/d\/astana-statement\?token=/)
    const page = await open({ role: 'delegation', delegation: 'TUR', token: '', url: link })
    expect(await page.locator('.who').textContent()).toContain('(TUR)')
  }))
})
