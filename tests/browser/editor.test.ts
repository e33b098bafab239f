// The browser editor in a real Chromium against the real server: convergence, negotiation commands,
// observers, offline editing and reloads. Each test opens fresh browser contexts (own storage).
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import type { Page } from 'playwright-core'
import { browserSkipReason, startHarness, selectIn, paragraphText, serverText, type Harness } from './harness.ts'
import { scenario as runScenario, type Open } from './scenario.ts'

const missing = browserSkipReason()

describe.skipIf(missing !== null)('browser editor', () => {
  let h: Harness

  beforeAll(async () => { h = await startHarness() }, 120_000)
  afterAll(async () => { await h?.close() })

  const scenario = (name: string, story: (open: Open) => Promise<void>) => runScenario(() => h, name, story)

  it('two delegations typing in the same paragraph at once converge', scenario('converge', async (open) => {
    const ind = await open(h.links.IND)
    const chn = await open(h.links.CHN)
    await selectIn(ind, 'PP2.', null)
    await selectIn(chn, 'PP2.', null)
    await Promise.all([
      ind.keyboard.type(' alpha from India', { delay: 15 }),
      chn.keyboard.type(' beta from China', { delay: 15 })
    ])
    await expect.poll(async () => {
      const [a, b] = await Promise.all([paragraphText(ind, 'PP2.'), paragraphText(chn, 'PP2.')])
      // Whole phrases: the two delegations' letters must not interleave.
      return a === b && a.includes(' alpha from India') && a.includes(' beta from China')
    }, { timeout: 10_000 }).toBe(true)
    await expect.poll(() => serverText(h), { timeout: 10_000 }).toContain('beta from China')
    // Each sees the other's cursor, labelled with the delegation code.
    await expect.poll(() => ind.locator('.pm-cursor-label', { hasText: 'CHN' }).count(), { timeout: 5000 }).toBeGreaterThan(0)
  }))

  it('one delegation brackets text and opposes it with the toolbar; the other sees bracket and chip', scenario('bracket-oppose', async (open) => {
    const ind = await open(h.links.IND)
    const chn = await open(h.links.CHN)
    await selectIn(ind, 'PP1.', 'shared principles')
    await ind.getByRole('button', { name: 'Bracket the selection' }).click()
    await ind.getByRole('button', { name: /^Oppose the bracket/ }).click()
    const bracket = chn.locator('.pm-bracket', { hasText: 'shared principles' })
    await expect.poll(() => bracket.count(), { timeout: 10_000 }).toBe(1)
    const chip = chn.locator('.pm-position[data-delegation="IND"][data-stance="-"]').first()
    await expect.poll(() => chip.isVisible(), { timeout: 10_000 }).toBe(true)
    expect(await chip.getAttribute('aria-label')).toBe('India opposes')
    expect(await paragraphText(chn, 'PP1.')).toContain('[shared principles] (-IND)')
    await expect.poll(() => serverText(h), { timeout: 10_000 }).toContain('[shared principles] (-IND)')
    // The positions matrix of the other delegation lists it; a click goes to the bracket.
    await chn.getByRole('tab', { name: 'Positions' }).click()
    const cell = chn.getByRole('button', { name: 'IND opposes (PP1)' })
    await expect.poll(() => cell.count(), { timeout: 5000 }).toBe(1)
    await cell.click()
    await expect.poll(() => chn.locator('.pm-bracket.is-current', { hasText: 'shared principles' }).count()).toBe(1)
  }))

  it('a whole bracket struck through and in emphasis in one browser reads so in another and after a reload', scenario('bracket-marks', async (open) => {
    const ind = await open(h.links.IND)
    const chn = await open(h.links.CHN)
    await selectIn(ind, 'PP1.', 'common goals')
    await ind.getByRole('button', { name: 'Bracket the selection' }).click()
    await expect.poll(() => serverText(h), { timeout: 10_000 }).toContain('[common goals]')
    // Select the whole bracket node, edge to edge, then propose it for deletion and put it in emphasis.
    await ind.evaluate(() => {
      const view = window.podium!.view
      let range: [number, number] | null = null
      view.state.doc.descendants((n, pos) => {
        if (!range && n.type.name === 'bracket' && n.textContent === 'common goals') range = [pos, pos + n.nodeSize]
        return !range
      })
      const sel = view.state.selection.constructor as unknown as { create(d: unknown, a: number, b: number): never }
      view.dispatch(view.state.tr.setSelection(sel.create(view.state.doc, range![0], range![1])))
      view.focus()
    })
    await ind.keyboard.press('Alt+d')
    await ind.keyboard.press('Control+i')
    await expect.poll(() => serverText(h), { timeout: 10_000 }).toContain('~~*[common goals]*~~')
    const struck = chn.locator('.pm-bracket.pm-node-deletion.pm-node-emphasis', { hasText: 'common goals' })
    await expect.poll(() => struck.count(), { timeout: 10_000 }).toBe(1)
    await chn.reload()
    await chn.waitForSelector('body[data-ready]', { timeout: 15_000 })
    await expect.poll(() => chn.locator('.pm-bracket.pm-node-deletion.pm-node-emphasis', { hasText: 'common goals' }).count(), { timeout: 10_000 }).toBe(1)
  }))

  it('the observer gets a read-only podium screen and cannot change anything', scenario('observer', async (open) => {
    const before = await serverText(h)
    const obs = await open(h.links.observer, false)
    expect(await obs.locator('body.podium-screen').count()).toBe(1)
    expect(await obs.locator('.podium-text').getAttribute('contenteditable')).toBe('false')
    expect(await obs.locator('[role="toolbar"]').count()).toBe(0)
    await obs.locator('.podium-text p', { hasText: 'PP3.' }).click()
    await obs.keyboard.type('observer was here')
    await obs.keyboard.press('Enter')
    // Even a change forced past the read-only editor (as from devtools) is refused by the server.
    await obs.evaluate(() => {
      const view = window.podium!.view
      view.dispatch(view.state.tr.insertText('FORCED BY OBSERVER ', 1))
    })
    await obs.waitForTimeout(1500)
    const after = await serverText(h)
    expect(after).not.toContain('observer was here')
    expect(after).not.toContain('FORCED BY OBSERVER')
    expect(after).toBe(before)
    // A delegation's screen shows nothing of it either.
    const ind = await open(h.links.IND)
    expect(await ind.locator('.podium-text').textContent()).not.toContain('FORCED BY OBSERVER')
  }))

  it('a delegation taken offline keeps editing and its edits arrive on reconnect', scenario('offline', async (open) => {
    const ind = await open(h.links.IND)
    const chn = await open(h.links.CHN)
    const state = (p: Page) => p.locator('.link-state').getAttribute('data-state')
    await expect.poll(() => state(ind)).toBe('live')
    await ind.context().setOffline(true)
    await expect.poll(() => state(ind), { timeout: 5000 }).toBe('offline')
    await selectIn(ind, 'PP3.', null)
    await ind.keyboard.type(' typed while offline')
    await chn.waitForTimeout(1000)
    expect(await paragraphText(chn, 'PP3.')).not.toContain('typed while offline')
    expect(await serverText(h)).not.toContain('typed while offline')
    await ind.context().setOffline(false)
    await expect.poll(() => state(ind), { timeout: 10_000 }).toBe('live')
    await expect.poll(() => paragraphText(chn, 'PP3.'), { timeout: 10_000 }).toContain('typed while offline')
    await expect.poll(() => serverText(h), { timeout: 10_000 }).toContain('typed while offline')
  }))

  it('a reload right after typing loses nothing', scenario('reload', async (open) => {
    const ind = await open(h.links.IND)
    await selectIn(ind, 'PP6.', null)
    await ind.keyboard.type(' kept across reload')
    await ind.reload()
    await ind.waitForSelector('body[data-ready]', { timeout: 15_000 })
    // Still signed in (the token stayed in the tab's sessionStorage, not in the address).
    expect(ind.url()).not.toContain('token=')
    await expect.poll(() => paragraphText(ind, 'PP6.'), { timeout: 10_000 }).toContain('kept across reload')
    await expect.poll(() => serverText(h), { timeout: 10_000 }).toContain('kept across reload')
  }))

  it('the secretariat enters a position for a delegation picked from the roster, by keys', scenario('secretariat-speaks-for', async (open) => {
    const sec = await open(h.links.secretariat)
    await sec.getByLabel(/Delegation speaking/).selectOption('TUR')
    // Select the paragraph's last word, bracket it by key, support it as TUR by key, qualify it.
    const last = (await paragraphText(sec, 'PP7.')).trim().split(/\s+/).pop()!
    await selectIn(sec, 'PP7.', last)
    await sec.keyboard.press('Alt+b')
    await sec.keyboard.press('Alt+=')
    const pp7 = sec.locator('.podium-text p', { hasText: 'PP7.' })
    await expect.poll(() => pp7.locator('.pm-position[data-delegation="TUR"][data-stance="+"]').count()).toBe(1)
    await sec.keyboard.press('Alt+q')
    const dialog = sec.getByRole('dialog')
    await dialog.getByRole('textbox').fill('ad referendum')
    await dialog.getByRole('button', { name: 'OK' }).click()
    await expect.poll(() => serverText(h), { timeout: 10_000 }).toContain(`[${last}] (+TUR ad referendum)`)
    // Pressing support again takes the position back.
    await selectIn(sec, 'PP7.', last.slice(0, 2))
    await sec.keyboard.press('Alt+=')
    await expect.poll(() => serverText(h), { timeout: 10_000 }).not.toContain('(+TUR ad referendum)')
  }))

  it('pasting podium text gives brackets, positions and notes; copying gives podium text back', scenario('paste-copy', async (open) => {
    // The secretariat pastes other delegations' positions (a delegation may state only its own: trust.test.ts).
    const chn = await open(h.links.secretariat)
    await selectIn(chn, 'PP8.', null)
    await chn.evaluate(() => {
      const data = new DataTransfer()
      data.setData('text/plain', ' [pasted words] (+CHN) (-ISR) (IND: keep original)')
      document.querySelector('.podium-text')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
    })
    await expect.poll(() => chn.locator('.pm-bracket', { hasText: 'pasted words' }).count()).toBe(1)
    expect(await chn.locator('.pm-note[data-delegations="IND"]').count()).toBeGreaterThan(0)
    await expect.poll(() => serverText(h), { timeout: 10_000 }).toContain('[pasted words] (+CHN) (-ISR) (IND: keep original)')
    await selectIn(chn, 'PP8.', 'pasted')
    const copied = await chn.evaluate(() => {
      const data = new DataTransfer()
      const p = [...document.querySelectorAll('.podium-text p')].find((el) => (el.textContent ?? '').startsWith('PP8.'))!
      const range = document.createRange()
      range.selectNodeContents(p)
      const sel = getSelection()!
      sel.removeAllRanges()
      sel.addRange(range)
      return new Promise<string>((resolve) => setTimeout(() => {
        document.querySelector('.podium-text')!.dispatchEvent(new ClipboardEvent('copy', { clipboardData: data, bubbles: true, cancelable: true }))
        resolve(data.getData('text/plain'))
      }, 100))
    })
    expect(copied).toContain('[pasted words] (+CHN) (-ISR) (IND: keep original)')
  }))

  it('the podium screen follows the secretariat\'s cursor', scenario('podium-follow', async (open) => {
    const obs = await open(h.links.observer, false)
    const sec = await open(h.links.secretariat)
    const inView = () => obs.evaluate(() => {
      const p = [...document.querySelectorAll('.podium-text p')].find((el) => (el.textContent ?? '').startsWith('OP5.'))!
      const r = p.getBoundingClientRect()
      return r.bottom > 0 && r.top < window.innerHeight
    })
    expect(await inView()).toBe(false)
    // The projector first shows what the pen's screen shows (its viewport, shared ~150 ms after it
    // opens); only a cursor moved after that is followed — else the pen's screen, still at the top,
    // would rightly win over a cursor the pen itself does not see.
    await expect.poll(() => obs.evaluate(() => [...window.podium!.connection.provider.awareness.getStates().values()]
      .some((s) => (s as { user?: { role?: string } }).user?.role === 'secretariat' && 'viewport' in s)), { timeout: 10_000 }).toBe(true)
    await obs.waitForTimeout(300)
    await selectIn(sec, 'OP5.', 'OP5.')
    await expect.poll(inView, { timeout: 10_000 }).toBe(true)
    // The secretariat's caret is drawn on the podium screen.
    expect(await obs.locator('.pm-cursor-label', { hasText: 'SECRETARIAT' }).count()).toBe(1)
  }))

  it('the podium screen follows the secretariat\'s scrolling, not only its cursor', scenario('podium-scroll', async (open) => {
    const obs = await open(h.links.observer, false)
    const sec = await open(h.links.secretariat)
    // The first paragraph shown below the sticky header and toolbar, by its first words.
    const topBlock = (p: Page) => p.evaluate(() => {
      let top = 0
      for (const el of document.querySelectorAll('.topbar, .toolbar')) top = Math.max(top, el.getBoundingClientRect().bottom)
      const block = [...document.querySelectorAll('.podium-text > *')].find((el) => el.getBoundingClientRect().bottom > top + 1)
      return (block?.textContent ?? '').slice(0, 4)
    })
    // Paragraphs off screen are laid out only when they come into view (content-visibility), which
    // moves the one scrolled to: scroll again until it has stayed put for a few frames.
    const scrollTo = (p: Page, start: string) => p.evaluate(async (start) => {
      const frame = () => new Promise((r) => requestAnimationFrame(r))
      let top = 0
      for (const el of document.querySelectorAll('.topbar, .toolbar')) top = Math.max(top, el.getBoundingClientRect().bottom)
      const block = [...document.querySelectorAll('.podium-text > *')].find((el) => (el.textContent ?? '').startsWith(start))!
      for (let still = 0, tries = 0; still < 3 && tries < 60; tries++) {
        const delta = block.getBoundingClientRect().top - top + 2
        if (Math.abs(delta) > 1) { window.scrollTo({ top: window.scrollY + delta, behavior: 'instant' }); still = 0 } else still++
        await frame()
      }
    }, start)
    await obs.locator('.podium-text p').first().waitFor()
    expect(await topBlock(obs)).not.toBe('PP9.')
    // The secretariat scrolls (its cursor stays where it was): the projector shows the same paragraph at the top.
    await scrollTo(sec, 'PP9.')
    expect(await topBlock(sec)).toBe('PP9.')
    await expect.poll(() => topBlock(obs), { timeout: 10_000 }).toBe('PP9.')
    await scrollTo(sec, 'PP3.')
    await expect.poll(() => topBlock(obs), { timeout: 10_000 }).toBe('PP3.')
    // A delegation scrolling steers nothing.
    const ind = await open(h.links.IND)
    await scrollTo(ind, 'PP9.')
    await new Promise((r) => setTimeout(r, 1000))
    expect(await topBlock(obs)).toBe('PP3.')
  }))

  it('the meeting home lists documents; the secretariat issues and revokes a sign-in link that works', scenario('home', async (open) => {
    const sec = await open(h.links.secretariat)
    await sec.goto(h.server.url + '/')
    await sec.getByRole('link', { name: /Draft Astana Statement/ }).waitFor()
    // The secretariat sees each document's stored size against its limit (issue 12).
    expect(await sec.locator('tr[data-doc="astana-statement"] td.size').textContent()).toMatch(/^\d+ KB of 64\.0 MB$/)
    await sec.getByLabel('Role').selectOption('delegation')
    await sec.getByLabel('Delegation', { exact: true }).selectOption('RUS')
    await sec.getByLabel('Label').fill('head of delegation')
    await sec.getByLabel('Opens').selectOption('astana-statement')
    await sec.getByRole('button', { name: 'Issue link' }).click()
    const link = await sec.getByLabel('New sign-in link').inputValue()
    expect(link).toMatch(/\/d\/astana-statement\?token=/)
    const rus = await open({ role: 'delegation', delegation: 'RUS', token: '', url: link })
    expect(await rus.locator('.who').textContent()).toContain('Russian Federation (RUS)')
    await sec.getByRole('button', { name: 'Revoke the RUS link head of delegation' }).click()
    await sec.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click()
    await expect.poll(() => sec.locator('tr[data-revoked="true"]').count()).toBeGreaterThan(0)
    // The revoked tab is refused from then on.
    await expect.poll(() => rus.locator('.link-state').getAttribute('data-state'), { timeout: 15_000 }).not.toBe('live')
  }))
  it('undo takes back only one\'s own change', scenario('undo', async (open) => {
    const ind = await open(h.links.IND)
    const chn = await open(h.links.CHN)
    await selectIn(ind, 'PP9.', null)
    await ind.keyboard.type(' mine to undo')
    await selectIn(chn, 'PP10.', null)
    await chn.keyboard.type(' theirs to keep')
    await expect.poll(() => paragraphText(ind, 'PP10.'), { timeout: 10_000 }).toContain('theirs to keep')
    await ind.keyboard.press('Control+z')
    await expect.poll(() => paragraphText(chn, 'PP9.'), { timeout: 10_000 }).not.toContain('mine to undo')
    expect(await paragraphText(ind, 'PP9.')).not.toContain('mine to undo')
    expect(await paragraphText(ind, 'PP10.')).toContain('theirs to keep')
    await expect.poll(() => serverText(h), { timeout: 10_000 }).not.toContain('mine to undo')
    expect(await serverText(h)).toContain('theirs to keep')
  }))
  it('edits the server never got survive in the browser\'s own storage, then sync', scenario('local-copy', async (open) => {
    const first = await open(h.links.IND)
    const context = first.context()
    await context.setOffline(true)
    await expect.poll(() => first.locator('.link-state').getAttribute('data-state')).toBe('offline')
    await selectIn(first, 'PP11.', null)
    await first.keyboard.type(' only on this device')
    await first.waitForTimeout(300)
    await first.close()
    // The link to the sync server stays down (sockets to /sync go nowhere) while the page loads again.
    let linkUp = false
    await context.routeWebSocket(/\/sync\//, (ws) => { if (linkUp) ws.connectToServer() })
    await context.setOffline(false)
    const again = await context.newPage()
    await again.goto(h.links.IND.url)
    await again.waitForSelector('body[data-ready="local"]', { timeout: 15_000 })
    expect(await paragraphText(again, 'PP11.')).toContain('only on this device')
    expect(await serverText(h)).not.toContain('only on this device')
    // The link returns: the edit reaches the server.
    linkUp = true
    await again.reload()
    await expect.poll(() => again.locator('.link-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('live')
    await expect.poll(() => serverText(h), { timeout: 10_000 }).toContain('only on this device')
  }))

})
