import type { Node } from 'prosemirror-model'
import { exportAkn } from './akn.ts'
import { exportDocx } from './docx.ts'
import { exportHtml } from './html.ts'
import { CONTENT_TYPES, EXPORT_FORMATS, exportFilename, isExportFormat, type ExportFormat, type ExportMeta } from './meta.ts'
import { exportPdf, type PdfOptions } from './pdf.ts'
import { exportText } from './text.ts'

// One entry point for every format, shared by the CLI and the REST handler.

/** An export made: the bytes or text, its media type and a download file name. */
export interface ExportFile {
  ok: true
  format: ExportFormat
  body: Buffer | string
  contentType: string
  filename: string
}

/** Why an export could not be made: an unknown format, no browser for PDF, or a failed print. */
export interface ExportFailure {
  ok: false
  code: 'bad-format' | 'no-browser' | 'print-failed'
  message: string
}

/**
 * Exports `doc` (the live text or a snapshot's document) in `format` with `meta`'s title, label and
 * hash. Expected failures are returned: an unknown format, PDF without Chromium, a failed print.
 */
export async function exportDocument(doc: Node, format: string, meta: ExportMeta, options: PdfOptions = {}): Promise<ExportFile | ExportFailure> {
  if (!isExportFormat(format)) return { ok: false, code: 'bad-format', message: `format ${JSON.stringify(format)} is not one of ${EXPORT_FORMATS.join(', ')}` }
  let body: Buffer | string
  switch (format) {
    case 'text': body = exportText(doc); break
    case 'html': body = exportHtml(doc, meta); break
    case 'akn': body = exportAkn(doc, meta); break
    case 'docx': body = await exportDocx(doc, meta); break
    case 'pdf': {
      const printed = await exportPdf(doc, meta, options)
      if (!printed.ok) return printed
      body = printed.pdf
      break
    }
  }
  return { ok: true, format, body, contentType: CONTENT_TYPES[format], filename: exportFilename(meta, format) }
}
