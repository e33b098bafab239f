import mammoth from 'mammoth'
import { unzipSync } from 'fflate'
import { parsePodium, HEADING_PREFIX } from '../../shared/format/index.ts'
import type { RosterEntry } from '../../shared/roster.ts'
import { DOCX_STYLES as S } from '../export/docx-styles.ts'
import { importError, type ImportError } from './errors.ts'
import { isZip } from './detect.ts'
import { MAX_DOCUMENT_XML_BYTES } from './limits.ts'

// A Word document to podium text. mammoth reads the document model (paragraphs, runs with their
// direct bold/italic/strikethrough and style ids); this file writes it as podium text: bold as
// `**`, italic as `*`, strikethrough as `~~`, the Podium styles for brackets, headings and single
// line breaks. Marks are written per bracket the way shared/format/serialize.ts does, so a DOCX
// exported by Podium reads back to the exact podium text it came from.

type MarkName = 'deletion' | 'strong' | 'emphasis'
const ORDER: MarkName[] = ['deletion', 'strong', 'emphasis']
const DELIM: Record<MarkName, string> = { deletion: '~~', strong: '**', emphasis: '*' }

/** A warning about a DOCX import, with the Word paragraph it is about (1-based, counting every paragraph). */
export interface DocxWarning {
  paragraph: number | null
  message: string
}

/** Podium text read from a DOCX, the Podium title when the file has one, and what was dropped. */
export interface DocxText {
  ok: true
  text: string
  title: string | null
  warnings: DocxWarning[]
  /** For each block of `text`, the 1-based line it starts on and its Word paragraph number. */
  blocks: { line: number; paragraph: number }[]
}

// mammoth's document model (lib/documents.js), as far as this file reads it.
interface MElement {
  type: string
  children?: MElement[]
  styleId?: string | null
  styleName?: string | null
  numbering?: unknown
  isBold?: boolean
  isItalic?: boolean
  isStrikethrough?: boolean
  value?: string
  breakType?: string
}

interface Piece {
  text: string
  marks: Set<MarkName>
  bracket: boolean
}

interface Container {
  active: MarkName[]
  inherited: Set<MarkName>
}

function pieces(el: MElement, out: Piece[], dropped: Set<string>, run: MElement | null = null): void {
  for (const child of el.children ?? []) {
    if (child.type === 'run') pieces(child, out, dropped, child)
    else if (child.type === 'hyperlink') pieces(child, out, dropped, run)
    else if (child.type === 'text' || child.type === 'tab' || child.type === 'break') {
      const text = child.type === 'text' ? child.value ?? '' : child.type === 'tab' ? '\t' : child.breakType === 'line' ? '\n' : ''
      if (!text) continue
      const marks = new Set<MarkName>()
      if (run?.isBold) marks.add('strong')
      if (run?.isItalic) marks.add('emphasis')
      if (run?.isStrikethrough) marks.add('deletion')
      out.push({ text, marks, bracket: run?.styleId === S.bracket })
    } else if (child.type !== 'bookmarkStart' && child.type !== 'commentReference') dropped.add(child.type)
  }
}

// Writes one Word paragraph's pieces as podium text. Bracket-styled `[`/`]` open and close a
// container; inside one, the marks of its `[` are the bracket's own and are not repeated.
function writeBlock(ps: Piece[]): string {
  let out = ''
  const stack: Container[] = [{ active: [], inherited: new Set() }]
  const top = () => stack[stack.length - 1]
  const moveTo = (wanted: Set<MarkName>) => {
    const c = top()
    for (let i = c.active.length - 1; i >= 0; i--) {
      if (!wanted.has(c.active[i])) { out += DELIM[c.active[i]]; c.active.splice(i, 1) }
    }
    for (const n of ORDER) if (wanted.has(n) && !c.active.includes(n)) { out += DELIM[n]; c.active.push(n) }
  }
  const own = (marks: Set<MarkName>) => new Set([...marks].filter((m) => !top().inherited.has(m)))
  for (const p of ps) {
    if (!p.bracket) {
      moveTo(own(p.marks))
      out += p.text
      continue
    }
    for (const ch of p.text) {
      if (ch === '[') {
        moveTo(own(p.marks))
        out += '['
        stack.push({ active: [], inherited: new Set(p.marks) })
      } else if (ch === ']' && stack.length > 1) {
        moveTo(new Set())
        out += ']'
        stack.pop()
      } else {
        moveTo(own(p.marks))
        out += ch
      }
    }
  }
  while (stack.length > 0) {
    moveTo(new Set())
    stack.pop()
  }
  return out
}

function isHeadingStyle(p: MElement): boolean {
  return p.styleId === S.heading || p.styleId === S.headingLine || /^(heading \d|title)$/i.test(p.styleName ?? '')
}

function paragraphsOf(el: MElement, out: MElement[]): void {
  for (const child of el.children ?? []) {
    if (child.type === 'paragraph') out.push(child)
    else paragraphsOf(child, out)
  }
}

// Checks the zip's table of contents without inflating anything.
function checkZip(bytes: Uint8Array, name: string): ImportError | null {
  if (!isZip(bytes)) return importError('not-zip', `${name} is not a Word document: a .docx file is a zip archive, and this one is not`)
  const entries = new Map<string, number>()
  try {
    unzipSync(bytes, { filter: (f) => { entries.set(f.name, f.originalSize); return false } })
  } catch (err) {
    return importError('not-zip', `${name} is not a readable zip archive (${(err as Error).message})`)
  }
  const size = entries.get('word/document.xml')
  if (size === undefined) return importError('not-docx', `${name} is a zip archive but not a Word document: it has no word/document.xml`)
  if (size > MAX_DOCUMENT_XML_BYTES) return importError('too-large', `${name}: its word/document.xml unpacks to ${size} bytes, more than the ${MAX_DOCUMENT_XML_BYTES} allowed`)
  return null
}

/**
 * Reads a DOCX (`bytes`) as podium text. Expected failures (not a zip, no word/document.xml,
 * unreadable XML) are returned as an ImportError; the size limit is the caller's (previewImport).
 */
export async function docxToPodiumText(bytes: Uint8Array, name: string, roster?: readonly RosterEntry[]): Promise<DocxText | ImportError> {
  const bad = checkZip(bytes, name)
  if (bad) return bad
  let document: MElement | null = null
  let messages: { type: string; message: string }[]
  try {
    const result = await mammoth.convertToHtml({ buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) }, {
      externalFileAccess: false,
      transformDocument: (d: MElement) => { document = d; return d }
    })
    messages = result.messages
  } catch (err) {
    return importError('unreadable', `${name} could not be read as a Word document (${(err as Error).message})`)
  }
  if (!document) return importError('unreadable', `${name} could not be read as a Word document`)

  const warnings: DocxWarning[] = []
  const blocks: DocxText['blocks'] = []
  const paragraphs: MElement[] = []
  paragraphsOf(document, paragraphs)
  let text = ''
  let line = 1
  let title: string | null = null
  paragraphs.forEach((para, i) => {
    const number = i + 1
    const dropped = new Set<string>()
    const ps: Piece[] = []
    pieces(para, ps, dropped)
    for (const kind of dropped) warnings.push({ paragraph: number, message: `${kind === 'image' ? 'an image' : `a ${kind}`} was left out` })
    if (para.styleId === S.title || para.styleId === S.asOf) {
      if (para.styleId === S.title) title = ps.map((p) => p.text).join('')
      return
    }
    let block = writeBlock(ps)
    if (!block.trim()) return
    if (para.numbering) warnings.push({ paragraph: number, message: 'Word numbering is not part of the text: the number of this paragraph was left out' })
    if (isHeadingStyle(para)) {
      // A heading that podium text would not recognise by its look is written with the heading prefix.
      const first = parsePodium(block, { roster }).doc.firstChild
      if (first?.type.name !== 'heading') block = HEADING_PREFIX + block
    }
    const sep = para.styleId === S.paragraphLine || para.styleId === S.headingLine ? '\n' : '\n\n'
    if (text) { text += sep; line += sep.length }
    blocks.push({ line, paragraph: number })
    text += block
    line += block.split('\n').length - 1
  })
  for (const m of messages) if (m.type === 'warning' && !/Unrecognised (paragraph|run) style/.test(m.message)) warnings.push({ paragraph: null, message: m.message })
  return { ok: true, text, title, warnings, blocks }
}
