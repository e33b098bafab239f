// Edits are never stranded (Chromium against the real server): a paste too large to send is stopped
// before it is applied; an offline backlog stops growing before it outgrows one message and reaches
// the server when the link returns; a backlog that cannot be sent (1009) is said in words, with a
// way to save it and start again — never a reconnect loop.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { browserSkipReason, startHarness, selectIn, paragraphText, serverText, type Harness } from './harness.ts'
import { scenario as runScenario, type Open } from './scenario.ts'

const missing = browserSkipReason()

// Inserts `n` characters at the end of the paragraph starting with `label`, as one ProseMirror change.
async function insertChars(page: import('playwright-core').Page, label: string, n: number): Promise<void> {
  await page.evaluate(({ label, n }) => {
    const view = (window as unknown as { podium: { view: { state: any; dispatch(tr: unknown): void } } }).podium.view
    let end = -1
    view.state.doc.forEach((b: any, pos: number) => { if (end < 0 && b.textContent.startsWith(label)) end = pos + b.nodeSize - 1 })
    view.dispatch(view.state.tr.insertText('y'.repeat(n), end))
  }, { label, n })
}

describe.skipIf(missing !== null)('edits are never stranded', () => {
  let h: Harness

  beforeAll(async () => { h = await startHarness() }, 120_000)
  afterAll(async () => { await h?.close() })

  const scenario = (name: string, story: (open: Open) => Promise<void>) => runScenario(() => h, name, story)

  it('a paste too large to send is stopped before it is applied, and said', scenario('paste-too-large', async (open) => {
    const ind = await open(h.links.IND)
    const before = await paragraphText(ind, 'PP3.')
    await selectIn(ind, 'PP3.', null)
    await ind.evaluate(() => {
      const data = new DataTransfer()
      data.setData('text/plain', 'z'.repeat(250_000))
      document.querySelector('.podium-text')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
    })
    await expect.poll(async () => (await ind.locator('.notice').textContent()) ?? '', { timeout: 5000 }).toContain('This paste is too large to send')
    expect(await paragraphText(ind, 'PP3.')).toBe(before)
    expect(await serverText(h)).not.toContain('zzzz')
  }))

  it('offline, edits stop before the backlog outgrows one message; back online, the backlog reaches the server', scenario('offline-backlog', async (open) => {
    const ind = await open(h.links.IND)
    const ys = (t: string) => t.split('y').length - 1
    const base = ys(await paragraphText(ind, 'PP5a.'))
    const serverBase = ys(await serverText(h))
    const context = ind.context()
    await context.setOffline(true)
    await expect.poll(() => ind.evaluate(() => (window as unknown as { podium: { connection: { state: string } } }).podium.connection.state), { timeout: 5000 }).toBe('offline')
    // 100,000 characters at a time: the seventh takes the backlog past 640 KB, the eighth is stopped.
    for (let i = 0; i < 8; i++) await insertChars(ind, 'PP5a.', 100_000)
    await expect.poll(async () => (await ind.locator('.notice').textContent()) ?? '', { timeout: 5000 }).toContain('not yet sent')
    expect(ys(await paragraphText(ind, 'PP5a.')) - base).toBe(700_000)
    await context.setOffline(false)
    await expect.poll(async () => ys(await serverText(h)) - serverBase, { timeout: 30_000 }).toBe(700_000)
    expect(h.server.storage.refusals('astana-statement')).toEqual([])
  }), 90_000)

  it('a backlog the server cannot take in one message is said, can be saved, and the tab starts again without looping', scenario('stranded', async (open) => {
    const chn = await open(h.links.CHN)
    const context = chn.context()
    await context.setOffline(true)
    // 1.2 MB straight into the tab's Yjs document, past the editor (as an older tab's local copy could hold).
    await chn.evaluate(() => {
      const doc = (window as unknown as { podium: { connection: { ydoc: any } } }).podium.connection.ydoc
      const fragment = doc.getXmlFragment('prosemirror')
      const block = fragment.toArray().find((b: any) => b.toString().includes('PP6.'))
      block.get(0).insert(5, 'q'.repeat(1_200_000))
    })
    await context.setOffline(false)
    const dialog = chn.getByRole('dialog', { name: 'Your edits cannot be sent' })
    await expect.poll(() => dialog.isVisible(), { timeout: 15_000 }).toBe(true)
    const download = chn.waitForEvent('download')
    await dialog.getByRole('button', { name: 'Save my version as a file' }).click()
    expect((await download).suggestedFilename()).toBe('astana-statement-my-version.txt')
    await dialog.getByRole('button', { name: /Start again/ }).click()
    await chn.waitForSelector('body[data-ready]', { timeout: 15_000 })
    await expect.poll(() => chn.evaluate(() => (window as unknown as { podium: { connection: { state: string } } }).podium.connection.state), { timeout: 15_000 }).toBe('live')
    expect(await paragraphText(chn, 'PP6.')).not.toContain('qqqq')
    expect(await serverText(h)).not.toContain('qqqq')
    // Live again: an edit goes through.
    await selectIn(chn, 'PP6.', null)
    await chn.keyboard.type(' again', { delay: 10 })
    await expect.poll(() => serverText(h), { timeout: 10_000 }).toMatch(/PP6\.[^\n]* again/)
  }))
})
