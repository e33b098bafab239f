import type { RosterEntry } from '../../shared/roster.ts'
import { fileStamp, formatMeetingTime } from '../../shared/time.ts'

// What every export needs besides the document: the title, and for a snapshot its label and hash.
// The live text has neither label nor hash; snapshots (a later issue) pass theirs here.

/** Describes the text being exported: the live text (no label) or a snapshot (label and hash). */
export interface ExportMeta {
  /** The document's title, e.g. "Draft Astana Statement on CICA Transformation". */
  title: string
  /** A snapshot's label, e.g. "Podium version as of COB, 4 October 2022"; absent for the live text. */
  label?: string
  /** A snapshot's content hash; absent for the live text. */
  hash?: string
  /** The meeting's roster (delegation names and colours); default DEFAULT_ROSTER. */
  roster?: readonly RosterEntry[]
  /** When the export is made; default now. Only used for the live text's "as of" line and metadata. */
  date?: Date
  /** The document's header lines as imported ("Version 14/11/2024 13:00"); shown above the title and kept in every format. */
  header?: readonly string[]
  /** The meeting's time zone (IANA): the "as of" line and the file name's time are written in it; default UTC. */
  timeZone?: string
}

/** The header lines of a stored document (DocRecord.header, lines joined by a line break), for ExportMeta. */
export function headerLines(header: string | null | undefined): string[] {
  return header ? header.split('\n').map((l) => l.trim()).filter(Boolean) : []
}

/** Every export format. */
export const EXPORT_FORMATS = ['text', 'docx', 'html', 'pdf', 'akn'] as const

/** One export format: podium text, Word, print HTML, PDF or Akoma Ntoso XML. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

/** True when `value` names an export format. */
export function isExportFormat(value: unknown): value is ExportFormat {
  return typeof value === 'string' && (EXPORT_FORMATS as readonly string[]).includes(value)
}

/** The media type of each format, as sent in Content-Type. */
export const CONTENT_TYPES: Readonly<Record<ExportFormat, string>> = Object.freeze({
  text: 'text/plain; charset=utf-8',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
  akn: 'application/akn+xml; charset=utf-8'
})

const EXTENSIONS: Record<ExportFormat, string> = { text: 'txt', docx: 'docx', html: 'html', pdf: 'pdf', akn: 'akn.xml' }

/** The line under the title: the snapshot's label, or "Text as of 4 October 2022, 18:00 (Asia/Almaty)" (the export's time, in the meeting's zone). */
export function asOfLine(meta: ExportMeta): string {
  if (meta.label) return meta.label
  return `Text as of ${formatMeetingTime(meta.date ?? new Date(), meta.timeZone ?? 'UTC')}`
}

/** The footer line of printed pages: the "as of" line and, for a snapshot, its hash. */
export function footerLine(meta: ExportMeta): string {
  return [meta.label ?? asOfLine(meta), meta.hash ? `hash ${meta.hash}` : ''].filter(Boolean).join(' · ')
}

// Letters, digits and dashes only: safe in Content-Disposition and on every file system.
function slug(s: string): string {
  return s.normalize('NFKD').replace(/[^\w\s-]/g, '').trim().toLowerCase().replace(/[\s_-]+/g, '-').slice(0, 60).replace(/-+$/, '')
}

/**
 * A download file name for `meta` in `format`: "<title>-<label>.<ext>" for a snapshot, and for the live
 * text "<title>-live-YYYY-MM-DD-HHMM<zone>.<ext>" in the meeting's zone, named by its city ("1800almaty";
 * "1742utc" without a zone), so two exports of a changing text never share a name; ASCII letters, digits and dashes.
 */
export function exportFilename(meta: ExportMeta, format: ExportFormat): string {
  const zone = meta.timeZone ?? 'UTC'
  const city = slug(zone.split('/').at(-1) ?? zone).replace(/-/g, '') || 'utc'
  const live = `live-${fileStamp(meta.date ?? new Date(), zone)}${city}`
  const base = [slug(meta.title) || 'podium', meta.label ? slug(meta.label) : live].filter(Boolean).join('-')
  return `${base}.${EXTENSIONS[format]}`
}
