import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Node } from 'prosemirror-model'
import { exportHtml } from './html.ts'
import type { ExportMeta } from './meta.ts'

// PDF is the print HTML page printed by headless Chromium. Podium ships no browser: where none is
// installed the export says so (a value, not an exception) and the CLI/REST turn that into exit 2/501.

/** Where Chromium is looked for, in order, after the PODIUM_CHROMIUM environment variable. */
export const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable']

/** The Chromium executable to print with: $PODIUM_CHROMIUM when set, else the first of CHROMIUM_PATHS that exists, else null. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.PODIUM_CHROMIUM) return existsSync(env.PODIUM_CHROMIUM) ? env.PODIUM_CHROMIUM : null
  return CHROMIUM_PATHS.find((p) => existsSync(p)) ?? null
}

/** A printed PDF, or why there is none: no browser installed, or the browser failed. */
export type PdfResult =
  | { ok: true; pdf: Buffer }
  | { ok: false; code: 'no-browser' | 'print-failed'; message: string }

/** Options of exportPdf. */
export interface PdfOptions {
  /** The Chromium executable; default findChromium(). `null` means none is installed. */
  browser?: string | null
  /** How long printing may take; default 60 s. */
  timeoutMs?: number
}

/** The message given when no Chromium is installed. */
export const NO_BROWSER_MESSAGE = `PDF export needs Chromium, and none was found (looked at $PODIUM_CHROMIUM, ${CHROMIUM_PATHS.join(', ')}); install it (apt-get install chromium) or export html and print it`

/** Prints the print HTML page of `doc` to PDF with headless Chromium, in a fresh profile that is removed afterwards. */
export async function exportPdf(doc: Node, meta: ExportMeta, options: PdfOptions = {}): Promise<PdfResult> {
  return printPdf(exportHtml(doc, meta), options)
}

/**
 * Prints a complete HTML page (its own @page rules: size, margins, footer) to PDF with headless
 * Chromium, in a fresh profile that is removed afterwards. No browser, or a failed print, is a value.
 */
export async function printPdf(html: string, options: PdfOptions = {}): Promise<PdfResult> {
  if (typeof html !== 'string') throw new RangeError(`printPdf: html ${typeof html} is not a string`)
  const browser = options.browser === undefined ? findChromium() : options.browser
  if (!browser || !existsSync(browser)) return { ok: false, code: 'no-browser', message: NO_BROWSER_MESSAGE }
  const dir = mkdtempSync(join(tmpdir(), 'podium-pdf-'))
  try {
    const page = join(dir, 'page.html')
    const out = join(dir, 'out.pdf')
    writeFileSync(page, html)
    const args = [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--no-first-run', `--user-data-dir=${join(dir, 'profile')}`, `--print-to-pdf=${out}`, '--no-pdf-header-footer',
      pathToFileURL(page).href
    ]
    const failure = await new Promise<string | null>((resolve) => {
      execFile(browser, args, { timeout: options.timeoutMs ?? 60_000, maxBuffer: 4 * 1024 * 1024 }, (err, _stdout, stderr) => {
        resolve(err ? `${err.message.split('\n')[0]}${stderr ? ': ' + String(stderr).trim().split('\n').pop() : ''}` : null)
      })
    })
    const pdf = existsSync(out) ? readFileSync(out) : null
    if (!pdf || pdf.subarray(0, 5).toString('latin1') !== '%PDF-') {
      return { ok: false, code: 'print-failed', message: `Chromium (${browser}) did not print a PDF${failure ? ` (${failure})` : ''}` }
    }
    return { ok: true, pdf }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
