import type { Node } from 'prosemirror-model'
import { analyse } from '../../shared/analysis/index.ts'
import { parsePodium } from '../../shared/format/index.ts'
import type { RosterEntry } from '../../shared/roster.ts'
import { detectKind, type ImportKind } from './detect.ts'
import { docxToPodiumText } from './docx.ts'
import { importError, type ImportError } from './errors.ts'
import { MAX_IMPORT_BYTES } from './limits.ts'

// What an import would bring in, before anything is written: the document, the counts, and every
// warning with its place. REST and the editor show this and let the user go on or cancel.

/** A warning of an import: its place in the recognised podium text (1-based) and, for a DOCX, the Word paragraph. */
export interface ImportWarning {
  line: number | null
  column: number | null
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
  /** The title found in the file (a Podium DOCX's title paragraph), or null. */
  title: string | null
  warnings: ImportWarning[]
  summary: { paragraphs: number; headings: number; brackets: number; positions: number; notes: number }
}

/** Options of previewImport. */
export interface PreviewOptions {
  roster?: readonly RosterEntry[]
  /** The size limit in bytes; default MAX_IMPORT_BYTES (20 MB). */
  maxBytes?: number
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

  let kind: ImportKind = 'text'
  let text: string
  let title: string | null = null
  const warnings: ImportWarning[] = []
  let paragraphOfLine: (line: number) => number | null = () => null
  if (typeof input === 'string') text = input
  else if (detectKind(input, name) === 'docx') {
    kind = 'docx'
    const read = await docxToPodiumText(input, name, options.roster)
    if (!read.ok) return read
    text = read.text
    title = read.title
    for (const w of read.warnings) warnings.push({ line: null, column: null, paragraph: w.paragraph, message: w.message })
    paragraphOfLine = (line) => {
      let found: number | null = null
      for (const b of read.blocks) if (b.line <= line) found = b.paragraph
      return found
    }
  } else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input)
    } catch {
      return importError('not-text', `${name} is neither a Word document nor UTF-8 text`)
    }
  }
  if (text.includes('\u0000')) return importError('not-text', `${name} holds binary data (NUL bytes), not podium text`)
  if (!text.trim()) return importError('empty', `${name} holds no text to import`)

  const parsed = parsePodium(text, { roster: options.roster })
  for (const w of parsed.warnings) warnings.push({ line: w.line, column: w.column, paragraph: paragraphOfLine(w.line), message: w.message })
  const { totals, paragraphs } = analyse(parsed.doc)
  return {
    ok: true, kind, doc: parsed.doc, text, title, warnings,
    summary: {
      paragraphs: totals.paragraphs,
      headings: paragraphs.filter((p) => p.kind === 'heading').length,
      brackets: totals.brackets,
      positions: totals.positions,
      notes: totals.notes
    }
  }
}

function mb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${bytes} bytes`
}
