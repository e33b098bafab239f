// Signing in with a link in a real Chromium: the long-lived token leaves the address bar and the
// navigation history at once, lives only in an httpOnly cookie, and never appears in a websocket URL.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { browserSkipReason, startHarness, type Harness } from './harness.ts'

const missing = browserSkipReason()

describe.skipIf(missing !== null)('sign-in link', () => {
  let h: Harness

  beforeAll(async () => { h = await startHarness() }, 120_000)
  afterAll(async () => { await h?.close() })

  it('exchanges the token for a session cookie; neither the address, the history, the tab\'s storage, scripts nor the websocket URL hold it', async () => {
    const context = await h.browser.newContext({ viewport: { width: 1300, height: 900 } })
    try {
      const page = await context.newPage()
      const sockets: string[] = []
      page.on('websocket', (ws) => sockets.push(ws.url()))
      const link = h.links.IND
      await page.goto(link.url)
      await page.waitForSelector('body[data-ready]', { timeout: 15_000 })
      await page.waitForSelector('.podium-text[contenteditable="true"]', { timeout: 15_000 })
      await expect.poll(() => page.locator('.link-state').getAttribute('data-state'), { timeout: 10_000 }).toBe('live')

      expect(page.url()).not.toContain(link.token)
      const cdp = await context.newCDPSession(page)
      const { entries } = await cdp.send('Page.getNavigationHistory') as { entries: { url: string }[] }
      expect(entries.length).toBeGreaterThan(0)
      for (const e of entries) expect(e.url).not.toContain(link.token)
      const inPage = await page.evaluate(() => JSON.stringify({ session: { ...sessionStorage }, local: { ...localStorage }, cookie: document.cookie }))
      expect(inPage).not.toContain(link.token)
      expect(sockets.length).toBeGreaterThan(0)
      for (const url of sockets) {
        expect(url).not.toContain(link.token)
        expect(url).toContain('session=')
      }
      const cookies = await context.cookies()
      const cookie = cookies.find((c) => c.name.startsWith('podium_'))
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' })

      // A reload keeps the sign-in (the session id in the tab, the cookie in the browser).
      await page.reload()
      await page.waitForSelector('body[data-ready]', { timeout: 15_000 })
      expect(await page.locator('.who').textContent()).toContain('India (IND)')

      // Once the token is revoked, the cookie is worth nothing: the page goes back to sign-in.
      h.server.storage.revokeToken(cookie!.name.slice('podium_'.length))
      await page.reload()
      await page.waitForSelector('#signin-link', { timeout: 15_000 })
    } finally {
      await context.close()
    }
  })

  it('a refused link says so, and a pasted link signs in', async () => {
    const context = await h.browser.newContext({ viewport: { width: 1300, height: 900 } })
    try {
      const page = await context.newPage()
      await page.goto(`${h.server.url}/d/astana-statement?token=not-a-real-token`)
      await page.waitForSelector('#signin-link', { timeout: 15_000 })
      expect(await page.getByRole('alert').textContent()).toContain('not valid')
      expect(page.url()).not.toContain('not-a-real-token')
      await page.fill('#signin-link', h.links.CHN.url)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.waitForSelector('body[data-ready]', { timeout: 15_000 })
      expect(await page.locator('.who').textContent()).toContain('China (CHN)')
    } finally {
      await context.close()
    }
  })
})
