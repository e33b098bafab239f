import type { Node } from 'prosemirror-model'
import { exportDocument } from './export.ts'
import type { ExportMeta } from './meta.ts'
import type { PdfOptions } from './pdf.ts'

// The REST export, free of any HTTP framework: GET /api/docs/<doc>/export?format=…[&snapshot=<id>]
// loads the document (live or the snapshot's) and its meta, then sends what this returns.

/** What to send: status, Content-Type, the download name (null for errors) and the body; `headers` holds Content-Disposition. */
export interface ExportResponse {
  status: number
  contentType: string
  filename: string | null
  body: Buffer | string
  headers: Record<string, string>
}

const STATUS = { 'bad-format': 400, 'no-browser': 501, 'print-failed': 500 } as const

/** A Content-Disposition header value for downloading `filename` (ASCII name, RFC 6266 form). */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')
  return `attachment; filename="${ascii}"`
}

/**
 * Answers an export request for `doc` in `format` (the `format` query parameter, possibly missing):
 * 200 with the file; 400 JSON `{error, message}` for a missing or unknown format; 501 JSON when PDF is
 * asked and no Chromium is installed; 500 JSON when printing failed.
 */
export async function handleExport(doc: Node, format: string | null | undefined, meta: ExportMeta, options: PdfOptions = {}): Promise<ExportResponse> {
  const result = await exportDocument(doc, format ?? '', meta, options)
  if (!result.ok) {
    return {
      status: STATUS[result.code],
      contentType: 'application/json; charset=utf-8',
      filename: null,
      body: JSON.stringify({ error: result.code, message: result.message }),
      headers: {}
    }
  }
  return {
    status: 200,
    contentType: result.contentType,
    filename: result.filename,
    body: result.body,
    headers: { 'Content-Disposition': contentDisposition(result.filename) }
  }
}
