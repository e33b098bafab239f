import type { Node } from 'prosemirror-model'
import { serializePodium } from '../../shared/format/index.ts'
import type { RosterEntry } from '../../shared/roster.ts'
import { importError, type ImportError } from './errors.ts'
import { isZip } from './detect.ts'
import { ZIP_LIMITS, XML_LIMITS, type ZipLimits } from './limits.ts'
import { readZip, ZipFormatError, ZipLimitError } from './zip.ts'
import { parseXml, XmlError, type XEl } from './xml.ts'
import { readWord, type TrackedChanges, type WordRead } from './word.ts'

// A Word document (.docx) to a podium document. The zip is read with bounds counted as it inflates
// (zip.ts); every XML part under the same bounds (xml.ts); the document is built from the Word model
// directly (word.ts), never by writing podium text and reading it back.

/** A warning about a DOCX import: what, how many, and the first Word paragraphs (1-based) it is about. */
export interface DocxWarning {
  paragraph: number | null
  message: string
  kind?: string
  count?: number
  paragraphs?: number[]
}

/** A Word document read: the podium document, its podium text, title, metadata and what was done. */
export interface DocxRead {
  ok: true
  doc: Node
  text: string
  title: string | null
  metadata: WordRead['metadata']
  counts: WordRead['counts']
  unknownNames: Record<string, number>
  warnings: DocxWarning[]
  /** For each block of `doc`, the Word paragraph it came from. */
  paragraphOfBlock: number[]
}

/** Kept for callers of the earlier API: a Word document as podium text. */
export type DocxText = DocxRead

/** Options of readDocx. */
export interface DocxOptions {
  roster?: readonly RosterEntry[]
  /** Tracked changes kept as proposals (default) or accepted. */
  tracked?: TrackedChanges
  limits?: ZipLimits
}

const PARTS = /^(word\/(document|styles|numbering|comments|footnotes|endnotes|header\d*)\.xml|docProps\/core\.xml|mimetype)$/

function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`
}

/** Reads a DOCX. Expected failures (not a zip, not Word, too big when inflated, unreadable XML) are returned as an ImportError. */
export function readDocx(bytes: Uint8Array, name: string, options: DocxOptions = {}): DocxRead | ImportError {
  if (!isZip(bytes)) return importError('not-zip', `${name} is not a Word document: a .docx file is a zip archive, and this one is not`)
  let files: Map<string, Uint8Array>
  let names: string[]
  try {
    ({ files, names } = readZip(bytes, (n) => PARTS.test(n), options.limits ?? ZIP_LIMITS))
  } catch (err) {
    if (err instanceof ZipLimitError) return importError('too-large', `${name} is too large once unpacked: ${err.message}`)
    if (err instanceof ZipFormatError) return importError('not-zip', `${name} is not a readable zip archive (${err.message})`)
    throw err
  }
  if (names.length === 0) return importError('not-zip', `${name} is not a readable zip archive (no entry could be read)`)
  const mimetype = files.get('mimetype')
  if (mimetype && /opendocument/.test(new TextDecoder().decode(mimetype))) {
    return importError('not-docx', `${name} is an OpenDocument file (.odt), which Podium does not read: open it in LibreOffice or Word and save it as Word (.docx), then import that`)
  }
  if (!files.has('word/document.xml')) {
    return importError('not-docx', names.includes('word/document.xml')
      ? `${name}: its word/document.xml could not be unpacked`
      : `${name} is a zip archive but not a Word document: it has no word/document.xml`)
  }
  const xml = (part: string): XEl | undefined => {
    const b = files.get(part)
    if (!b) return undefined
    return parseXml(new TextDecoder('utf-8').decode(b), part, XML_LIMITS)
  }
  let read: WordRead
  try {
    const headers = [...files.keys()].filter((n) => /^word\/header\d*\.xml$/.test(n)).sort().map((n) => xml(n)!)
    read = readWord({
      document: xml('word/document.xml')!,
      styles: xml('word/styles.xml'),
      numbering: xml('word/numbering.xml'),
      comments: xml('word/comments.xml'),
      footnotes: xml('word/footnotes.xml'),
      endnotes: xml('word/endnotes.xml'),
      core: xml('docProps/core.xml'),
      headers
    }, { roster: options.roster, tracked: options.tracked })
  } catch (err) {
    if (err instanceof XmlError) return importError('unreadable', `${name} could not be read as a Word document (${err.message})`)
    throw err
  }
  return { ok: true, ...read, text: serializePodium(read.doc), warnings: warningsOf(read, options.tracked ?? 'keep') }
}

// What the import did, in the secretariat's words, grouped by kind with counts and the first places.
function warningsOf(read: WordRead, tracked: TrackedChanges): DocxWarning[] {
  const out: DocxWarning[] = []
  const c = read.counts
  const say = (kind: string, message: string, count: number) => out.push({ paragraph: null, kind, count, message })
  if (c.numbered) say('numbering', `${plural(c.numbered, 'paragraph number')} computed from Word's numbering and put in the text`, c.numbered)
  if (c.comments) {
    const kept = c.comments - c.commentsMapped
    const names = Object.entries(read.unknownNames).sort((a, b) => b[1] - a[1]).map(([n]) => n)
    say('comments', `${plural(c.comments, 'comment')} became notes: ${c.commentsMapped} mapped to delegations, ${kept} kept as written` +
      (names.length ? ` (not on the roster: ${names.slice(0, 12).join(', ')}${names.length > 12 ? `, and ${names.length - 12} more` : ''})` : ''), c.comments)
  }
  if (c.insertions || c.deletions) {
    say('tracked', tracked === 'keep'
      ? `${plural(c.insertions, 'tracked insertion')} kept as proposals in brackets, ${plural(c.deletions, 'tracked deletion')} kept as struck text`
      : `${plural(c.insertions, 'tracked insertion')} and ${plural(c.deletions, 'tracked deletion')} accepted`, c.insertions + c.deletions)
  }
  if (c.footnotes) say('footnotes', `${plural(c.footnotes, 'footnote')} kept where they are referred to, with their text`, c.footnotes)
  if (c.endnotes) say('endnotes', `${plural(c.endnotes, 'endnote')} kept where they are referred to, with their text`, c.endnotes)
  if (c.footnoteBraces) say('footnote-braces', `${plural(c.footnoteBraces, 'footnote')} had "}}" or a final "}", written ")" (a footnote ends at "}}" in podium text)`, c.footnoteBraces)
  if (c.tables) say('tables', `${plural(c.tables, 'table')} kept as ${plural(c.tableRows, 'paragraph')}, one per row, cells separated by " | "`, c.tables)
  for (const [what, t] of Object.entries(read.dropped)) {
    out.push({ paragraph: t.paragraphs[0] ?? null, kind: 'dropped', count: t.count, paragraphs: t.paragraphs, message: `${t.count === 1 ? what : `${t.count} × ${what.replace(/^an? /, '')}`} left out (first in Word paragraph ${t.paragraphs.join(', ')})` })
  }
  return out
}

/** The earlier name: reads a DOCX (async for callers that awaited it). */
export async function docxToPodiumText(bytes: Uint8Array, name: string, roster?: readonly RosterEntry[]): Promise<DocxRead | ImportError> {
  return readDocx(bytes, name, { roster })
}
