import type { Api } from '../session/api.ts'
import { ApiError } from '../session/api.ts'
import { menuButton } from '../ui/menu.ts'
import { saveBlob } from './download.ts'

/** The export formats, in menu order, as people name them. */
export const EXPORT_FORMATS: readonly { format: string; label: string }[] = [
  { format: 'text', label: 'Text (podium text)' },
  { format: 'docx', label: 'Word (DOCX)' },
  { format: 'pdf', label: 'Print/PDF' },
  { format: 'html', label: 'HTML (print page)' },
  { format: 'akn', label: 'Akoma Ntoso (XML)' }
]

/** What an export menu needs: the API, the document, which snapshot (none: the live text), and where to report. */
export interface ExportMenuOptions {
  api: Api
  doc: string
  snapshot?: { id: number; label: string }
  say(message: string, problem?: boolean): void
}

/**
 * An "Export" menu button: each format is fetched with the bearer token and saved as a download;
 * a refusal (PDF without Chromium on the server) shows the server's message.
 */
export function exportMenu(opts: ExportMenuOptions): HTMLElement {
  const of = opts.snapshot ? `“${opts.snapshot.label}”` : 'the live text'
  return menuButton('Export', EXPORT_FORMATS.map(({ format, label }) => ({
    label,
    run: () => void exportAs(opts, format, label, of)
  })), { class: 'export-menu', 'aria-label': `Export ${of}` })
}

async function exportAs(opts: ExportMenuOptions, format: string, label: string, of: string): Promise<void> {
  opts.say(`Preparing ${label} of ${of}…`)
  try {
    const { blob, filename } = await opts.api.exportFile(opts.doc, format, opts.snapshot?.id)
    saveBlob(blob, filename)
    opts.say(`Downloaded ${filename}.`)
  } catch (e) {
    const why = e instanceof ApiError ? e.message : String(e)
    opts.say(format === 'pdf' ? `PDF is not available: ${why.replace(/\.?$/, '.')} Export HTML and print it from the browser instead.` : `Export failed: ${why}`, true)
  }
}
