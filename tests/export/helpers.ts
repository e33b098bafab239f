import { unzipSync, strFromU8 } from 'fflate'
import { execFileSync } from 'node:child_process'
import type { Node } from 'prosemirror-model'
import { Transform } from 'prosemirror-transform'
import { serializeInline } from '../../shared/format/index.ts'

// Reading exported files back in tests: the parts of a DOCX, the runs of its document, plain text.

/** Every part of a zip (a DOCX) as text, by path. */
export function zipParts(bytes: Uint8Array): Record<string, string> {
  return Object.fromEntries(Object.entries(unzipSync(bytes)).map(([k, v]) => [k, strFromU8(v)]))
}

/** One `w:r` of word/document.xml: its text, style, colour and direct bold/italic/strike. */
export interface Run {
  text: string
  style: string | null
  color: string | null
  bold: boolean
  italic: boolean
  strike: boolean
}

const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&')

/** The runs of each `w:p` in word/document.xml, in order. */
export function paragraphRuns(documentXml: string): Run[][] {
  const body = documentXml.slice(documentXml.indexOf('<w:body>'))
  return [...body.matchAll(/<w:p>([\s\S]*?)<\/w:p>|<w:p [\s\S]*?(?:\/>|<\/w:p>)/g)].map((p) =>
    [...p[0].matchAll(/<w:r>([\s\S]*?)<\/w:r>/g)].map((r) => {
      const rPr = /<w:rPr>([\s\S]*?)<\/w:rPr>/.exec(r[1])?.[1] ?? ''
      const on = (tag: string) => new RegExp(`<w:${tag}(?: w:val="(?:true|1|on)")?/>`).test(rPr)
      return {
        text: [...r[1].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>|<w:br\/>/g)].map((t) => (t[0] === '<w:br/>' ? '\n' : unescape(t[1]))).join(''),
        style: /<w:rStyle w:val="([^"]+)"\/>/.exec(rPr)?.[1] ?? null,
        color: /<w:color w:val="([^"]+)"\/>/.exec(rPr)?.[1] ?? null,
        bold: on('b'),
        italic: on('i'),
        strike: on('strike')
      }
    }))
}

/** Each block's podium text without mark delimiters: what a reader sees on a page. */
export function plainBlocks(doc: Node): string[] {
  const bare = new Transform(doc).removeMark(0, doc.content.size, null).doc
  const out: string[] = []
  bare.forEach((b) => out.push(serializeInline(b.content)))
  return out
}

/** True when the command runs (`which` finds it). */
export function hasCommand(cmd: string): boolean {
  try {
    execFileSync('which', [cmd], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}
