// Browser-test harness: the real server on port 0 over a temp data directory, the real client build,
// and Debian's Chromium driven by playwright-core. No mocks: what the tests click is what delegates get.
import { existsSync, mkdtempSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { startServer, type RunningServer } from '../../server/index.ts'

/** Where Debian installs Chromium. */
export const CHROMIUM = process.env.PODIUM_CHROMIUM ?? '/usr/bin/chromium'

const ROOT = resolve(import.meta.dirname, '../..')
const DIST_INDEX = join(ROOT, 'dist/client/index.html')

/** Why the browser suite cannot run here, or null when it can. */
export function browserUnavailable(): string | null {
  return existsSync(CHROMIUM) ? null : `Chromium not found at ${CHROMIUM} (apt-get install chromium)`
}

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)
  }
  return newest
}

/**
 * For a browser test file: why it cannot run (null when it can). In CI a missing browser is an
 * error, thrown here; elsewhere the reason is printed and the suite is skipped.
 */
export function browserSkipReason(): string | null {
  const missing = browserUnavailable()
  if (missing && process.env.CI) throw new Error(`browser tests cannot run in CI: ${missing}`)
  if (missing) console.warn(`skipping browser tests: ${missing}`)
  return missing
}

/** Builds dist/client with Vite when it is missing or older than client/ or shared/ sources. */
export async function ensureClientBuilt(): Promise<void> {
  const built = existsSync(DIST_INDEX) ? statSync(DIST_INDEX).mtimeMs : 0
  const sources = Math.max(newestMtime(join(ROOT, 'client')), newestMtime(join(ROOT, 'shared')))
  if (built > sources) return
  const { build } = await import('vite')
  await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn' })
}

/** One sign-in link of the demo meeting. */
export interface Link { role: string; delegation: string | null; token: string; url: string }

/** The running system under test. */
export interface Harness {
  server: RunningServer
  browser: Browser
  links: { secretariat: Link; chair: Link; observer: Link; IND: Link; CHN: Link }
  dataDir: string
  close(): Promise<void>
}

/** Starts the server (demo meeting on a fresh data directory) and Chromium. */
export async function startHarness(): Promise<Harness> {
  await ensureClientBuilt()
  const dataDir = mkdtempSync(join(tmpdir(), 'podium-browser-'))
  const server = await startServer({ dataDir, port: 0, logLevel: 'silent', synchronous: 'normal' })
  const demo = server.demoLinks
  if (!demo) throw new Error('the demo meeting was not created')
  const pick = (role: string, delegation: string | null = null): Link => {
    const l = demo.find((d) => d.role === role && d.delegation === delegation)
    if (!l) throw new Error(`no demo link for ${role} ${delegation ?? ''}`)
    return { role: l.role, delegation: l.delegation, token: l.token, url: l.url }
  }
  // Playwright gives the browser a fresh temporary --user-data-dir of its own (it refuses one in args).
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run']
  })
  return {
    server, browser, dataDir,
    links: { secretariat: pick('secretariat'), chair: pick('chair'), observer: pick('observer'), IND: pick('delegation', 'IND'), CHN: pick('delegation', 'CHN') },
    async close() {
      await browser.close().catch(() => {})
      await server.close().catch(() => {})
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}

/** A fresh browser context (its own sessionStorage and IndexedDB) with the page opened on a sign-in link. */
export async function openLink(h: Harness, link: Link, waitEditable = true): Promise<{ context: BrowserContext; page: Page }> {
  const context = await h.browser.newContext({ viewport: { width: 1300, height: 900 } })
  const page = await context.newPage()
  page.on('pageerror', (e) => console.error(`[${link.delegation ?? link.role}] page error: ${e.message}`))
  await page.goto(link.url)
  await page.waitForSelector('body[data-ready]', { timeout: 15000 })
  if (waitEditable) await page.waitForSelector('.podium-text[contenteditable="true"]', { timeout: 15000 })
  return { context, page }
}

/** Saves a full-page screenshot of each page under test-results/ (called when a test fails). */
export async function screenshots(name: string, pages: Page[]): Promise<void> {
  const dir = join(ROOT, 'test-results')
  mkdirSync(dir, { recursive: true })
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 80)
  await Promise.all(pages.map((p, i) => p.isClosed() ? null : p.screenshot({ path: join(dir, `${safe}-${i}.png`), fullPage: true }).catch(() => null)))
}

/**
 * Selects text in the paragraph starting with `paragraphStart`, the way a mouse would (a DOM
 * selection ProseMirror reads): `needle` selected, or the cursor at its end with `collapse: 'end'`,
 * or at the paragraph's end when `needle` is null.
 */
export async function selectIn(page: Page, paragraphStart: string, needle: string | null, collapse: 'none' | 'end' = 'none'): Promise<void> {
  // A remote edit re-rendering the text between setting the DOM selection and ProseMirror reading
  // it puts the old selection back; so set it, let ProseMirror read it, and check, a few times.
  for (let attempt = 0; attempt < 10; attempt++) {
    const want = await page.evaluate(({ paragraphStart, needle, collapse }) => {
      const editor = document.querySelector<HTMLElement>('.podium-text')!
      const p = [...editor.querySelectorAll('p')].find((el) => (el.textContent ?? '').startsWith(paragraphStart))
      if (!p) throw new Error(`no paragraph starting ${paragraphStart}`)
      const texts: Text[] = []
      const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT, {
        // Text inside chips (position/note node views) and remote cursors is not editable text.
        acceptNode: (n) => (n.parentElement?.closest('.pm-position, .pm-note, .ProseMirror-yjs-cursor') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT)
      })
      while (walker.nextNode()) texts.push(walker.currentNode as Text)
      const range = document.createRange()
      if (needle === null) {
        const last = texts[texts.length - 1]
        range.setStart(last, last.length)
        range.collapse(true)
      } else {
        const t = texts.find((x) => x.data.includes(needle))
        if (!t) throw new Error(`no text ${needle}`)
        const at = t.data.indexOf(needle)
        range.setStart(t, collapse === 'end' ? at + needle.length : at)
        range.setEnd(t, at + needle.length)
      }
      editor.focus()
      const view = window.podium!.view
      const want = { from: view.posAtDOM(range.startContainer, range.startOffset), to: view.posAtDOM(range.endContainer, range.endOffset) }
      const sel = getSelection()!
      sel.removeAllRanges()
      sel.addRange(range)
      return want
    }, { paragraphStart, needle, collapse })
    // ProseMirror reads the DOM selection on selectionchange.
    await page.waitForTimeout(80)
    const got = await page.evaluate(() => ({ from: window.podium!.view.state.selection.from, to: window.podium!.view.state.selection.to }))
    if (got.from === want.from && got.to === want.to) return
  }
  throw new Error(`could not select ${needle ?? 'the end'} in ${paragraphStart}`)
}

/** The text content of the paragraph starting with `start` (chips included as their podium text). */
export async function paragraphText(page: Page, start: string): Promise<string> {
  return page.evaluate((start) => {
    const p = [...document.querySelectorAll('.podium-text p')].find((el) => (el.textContent ?? '').startsWith(start))
    if (!p) return ''
    // Remote cursors' labels are not text; chips read as their podium text.
    const copy = p.cloneNode(true) as HTMLElement
    for (const c of copy.querySelectorAll('.ProseMirror-yjs-cursor')) c.remove()
    for (const c of copy.querySelectorAll('.pm-position, .pm-note')) c.replaceWith(c.querySelector('.pm-raw')?.textContent ?? '')
    for (const b of copy.querySelectorAll('.pm-bracket')) { b.prepend('['); b.append(']') }
    return (copy.textContent ?? '').replace(/\u2060/g, '')
  }, start)
}

/** The document as the server stores it, in podium text. */
export async function serverText(h: Harness, doc = 'astana-statement'): Promise<string> {
  const res = await fetch(`${h.server.url}/api/docs/${doc}/text`, { headers: { Authorization: `Bearer ${h.links.secretariat.token}` } })
  if (!res.ok) throw new Error(`GET text: ${res.status}`)
  return res.text()
}
