// One browser test's story: pages in fresh contexts, screenshots when it fails, contexts closed either way.
import type { BrowserContext, Page } from 'playwright-core'
import { openLink, screenshots, type Harness, type Link } from './harness.ts'

/** Opens a sign-in link in a fresh browser context; waits for the editor to be editable unless told not to. */
export type Open = (link: Link, waitEditable?: boolean) => Promise<Page>

/**
 * Wraps a story as a test body: `open` gives pages in fresh contexts (own storage); when the story
 * fails, every page is saved to test-results/<name>-<n>.png; the contexts close either way.
 */
export function scenario(harness: () => Harness, name: string, story: (open: Open) => Promise<void>): () => Promise<void> {
  return async () => {
    const contexts: BrowserContext[] = []
    const pages: Page[] = []
    const open: Open = async (link, waitEditable = true) => {
      const { context, page } = await openLink(harness(), link, waitEditable)
      contexts.push(context)
      pages.push(page)
      return page
    }
    try {
      await story(open)
    } catch (err) {
      await screenshots(name, pages)
      throw err
    } finally {
      await Promise.all(contexts.map((c) => c.close().catch(() => {})))
    }
  }
}
