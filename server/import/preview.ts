import type { Node } from 'prosemirror-model'
import { analyse } from '../../shared/analysis/index.ts'
import { parsePodium } from '../../shared/format/index.ts'
import type { RosterEntry } from '../../shared/roster.ts'
import { detectKind, type ImportKind } from './detect.ts'
import { readDocx } from './docx.ts'
import type { TrackedChanges, WordRead } from './word.ts'
import { spanningBrackets } from '../../shared/analysis/index.ts'
import { importError, type ImportError } from './errors.ts'
import { MAX_IMPORT_BYTES } from './limits.ts'

// What an import would bring in, before anything is written: the document, the counts, and every
// warning with its place. REST and the editor show this and let the user go on or cancel.

/** A warning of an import: its place in the recognised podium text (1-based) and, for a DOCX, the Word paragraph. */
export interface ImportWarning {
  line: number | null
  column: number | null
  /** For a DOCX, the kind of a grouped warning (numbering, comments, tracked, footnotes, dropped…) and how many it counts. */
  kind?: string
  count?: number
  /** The Word paragraph (1-based, counting every paragraph of the file), for a DOCX. */
  paragraph: number | null
  message: string
}

/** A recognised import, not yet written anywhere. */
export interface ImportPreview {
  ok: true
  kind: ImportKind
  /** The document that would be written. */
  doc: Node
  /** The podium text of what was recognised (for a DOCX, the text made from it). */
  text: string
  /** The title found in the file (a Podium DOCX's title paragraph, the core title, else the first heading), or null. */
  title: string | null
  warnings: ImportWarning[]
  summary: {
    paragraphs: number; headings: number; brackets: number; positions: number; notes: number
    /** For a DOCX: numbers computed, comments, tracked insertions and deletions, footnotes, endnotes, tables. */
    word?: WordRead['counts']
  }
  /** For a DOCX: the header lines (with the version line) and the core properties. */
  metadata?: WordRead['metadata']
  /** For a DOCX: names comments and tracked changes were attributed to that are not on the roster, with counts. */
  unknownNames?: Record<string, number>
}

/** Options of previewImport. */
export interface PreviewOptions {
  roster?: readonly RosterEntry[]
  /** The size limit in bytes; default MAX_IMPORT_BYTES (20 MB). */
  maxBytes?: number
  /** Tracked changes in a DOCX: kept as proposals (default) or accepted. */
  tracked?: TrackedChanges
}

/**
 * Recognises a file to import: podium text (a string, or UTF-8 bytes) or a DOCX (bytes, told by the
 * zip signature or a .docx name). Nothing is written. A bad file (empty, over the size limit, not a
 * zip, a zip without word/document.xml, not UTF-8 text) gives an ImportError value.
 */
export async function previewImport(input: Uint8Array | string, name: string, options: PreviewOptions = {}): Promise<ImportPreview | ImportError> {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) throw new RangeError(`previewImport: input ${typeof input} is neither bytes nor text`)
  if (typeof name !== 'string') throw new RangeError(`previewImport: name ${JSON.stringify(name)} is not a string`)
  const max = options.maxBytes ?? MAX_IMPORT_BYTES
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength
  // Checked before anything is decoded, unzipped or parsed.
  if (size === 0) return importError('empty', `${name} is empty (0 bytes): there is nothing to import`)
  if (size > max) return importError('too-large', `${name} is ${mb(size)}, more than the ${mb(max)} an import may be`)

  if (typeof input !== 'string') {
    const other = otherFormat(input, name)
    if (other) return importError('not-docx', other)
  }
  if (typeof input !== 'string' && detectKind(input, name) === 'docx') {
    const read = readDocx(input, name, { roster: options.roster, tracked: options.tracked })
    if (!read.ok) return read
    const warnings: ImportWarning[] = read.warnings.map((w) => ({ line: null, column: null, paragraph: w.paragraph, message: w.message, ...(w.kind ? { kind: w.kind, count: w.count } : {}) }))
    const spans = spanningBrackets(read.doc)
    if (spans.length) {
      warnings.push({ line: null, column: null, paragraph: read.paragraphOfBlock[spans[0].fromBlock] ?? null, message: `${spans.length === 1 ? 'a bracket spans' : `${spans.length} brackets span`} several paragraphs (first from Word paragraph ${read.paragraphOfBlock[spans[0].fromBlock]} to ${read.paragraphOfBlock[spans[0].toBlock]}); the paragraphs inside count as open`, kind: 'spanning', count: spans.length })
    }
    const unmatched = unmatchedBrackets(read.doc)
    if (unmatched.length) warnings.push({ line: null, column: null, paragraph: read.paragraphOfBlock[unmatched[0]] ?? null, message: `${unmatched.length} unmatched "[" or "]" kept as text (first in Word paragraph ${unmatched.slice(0, 3).map((b) => read.paragraphOfBlock[b]).join(', ')})`, kind: 'unmatched', count: unmatched.length })
    return { ok: true, kind: 'docx', doc: read.doc, text: read.text, title: read.title, warnings, summary: { ...summaryOf(read.doc), word: read.counts }, metadata: read.metadata, unknownNames: read.unknownNames }
  }

  let text: string
  if (typeof input === 'string') text = input
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input)
    } catch {
      return importError('not-text', `${name} is neither a Word document nor UTF-8 text`)
    }
  }
  if (text.includes('\u0000')) return importError('not-text', `${name} holds binary data (NUL bytes), not podium text`)
  if (!text.trim()) return importError('empty', `${name} holds no text to import`)

  const parsed = parsePodium(text, { roster: options.roster })
  const warnings: ImportWarning[] = parsed.warnings.map((w) => ({ line: w.line, column: w.column, paragraph: null, message: w.message }))
  return { ok: true, kind: 'text', doc: parsed.doc, text, title: null, warnings, summary: summaryOf(parsed.doc) }
}

function summaryOf(doc: Node): ImportPreview['summary'] {
  const { totals, paragraphs } = analyse(doc)
  return {
    paragraphs: totals.paragraphs,
    headings: paragraphs.filter((p) => p.kind === 'heading').length,
    brackets: totals.brackets,
    positions: totals.positions,
    notes: totals.notes
  }
}

// Blocks holding a "[" or "]" in their text that no bracket pairs, even across paragraphs.
function unmatchedBrackets(doc: Node): number[] {
  const spans = spanningBrackets(doc)
  const paired = new Set(spans.flatMap((s) => [`${s.fromBlock}:${s.fromOffset}`, `${s.toBlock}:${s.toOffset}`]))
  const out: number[] = []
  let i = 0
  doc.forEach((block) => {
    let offset = 0
    let found = false
    block.forEach((child) => {
      if (child.isText) {
        for (let k = 0; k < child.text!.length; k++) {
          const ch = child.text![k]
          if ((ch === '[' || ch === ']') && !paired.has(`${i}:${offset + k}`)) found = true
        }
      }
      offset += child.isText ? child.text!.length : 0
    })
    if (found) out.push(i)
    i++
  })
  return out
}

/**
 * For files that are not .docx but are often taken for one (Word 97–2003 .doc, .rtf, .odt): the
 * message naming the format and what to do (save as .docx); null for anything else.
 */
export function otherFormat(bytes: Uint8Array, name: string): string | null {
  const ole = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]
  if (bytes.length >= 8 && ole.every((b, i) => bytes[i] === b)) {
    return `${name} is a Word 97–2003 document (.doc), which Podium does not read: open it in Word or LibreOffice and save it as Word Document (.docx), then import that`
  }
  if (bytes.length >= 5 && new TextDecoder().decode(bytes.subarray(0, 5)) === '{\\rtf') {
    return `${name} is a Rich Text (.rtf) file, which Podium does not read: open it in Word or LibreOffice and save it as Word Document (.docx), then import that`
  }
  if (/\.(odt|ott)$/i.test(name) && !isZipBytes(bytes)) return `${name} is not a readable OpenDocument file`
  if (/\.(odt|ott)$/i.test(name)) return `${name} is an OpenDocument file (.odt), which Podium does not read: open it in LibreOffice or Word and save it as Word (.docx), then import that`
  return null
}

function isZipBytes(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x50 && bytes[1] === 0x4b
}

function mb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${bytes} bytes`
}
