import { XML_LIMITS } from './limits.ts'

// A small XML reader for Office Open XML parts: elements, attributes and text, nothing else (no DTD,
// no external entities; processing instructions and comments skipped). Every part is read under the
// same bounds: nesting depth, element count and attributes per element.

/** An element: its qualified name (`w:p`), attributes and children in order. */
export interface XEl {
  name: string
  attrs: Record<string, string>
  children: (XEl | string)[]
}

/** XML that is not well formed or passes a bound. */
export class XmlError extends Error {}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

function decode(s: string): string {
  if (!s.includes('&')) return s
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (m, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : ''
    }
    return ENTITIES[e] ?? m
  })
}

const ATTR = /([^\s=/>]+)\s*=\s*("([^"]*)"|'([^']*)')/g

/** Parses `text` into its root element. `part` names it in errors. */
export function parseXml(text: string, part: string, limits = XML_LIMITS): XEl {
  const root: XEl = { name: '#root', attrs: {}, children: [] }
  const stack: XEl[] = [root]
  let elements = 0
  let i = 0
  const n = text.length
  while (i < n) {
    const lt = text.indexOf('<', i)
    if (lt < 0) { addText(stack[stack.length - 1], text.slice(i)); break }
    if (lt > i) addText(stack[stack.length - 1], text.slice(i, lt))
    const c = text.charCodeAt(lt + 1)
    if (c === 0x3f /* ? */) { i = skip(text, lt, '?>', part); continue }
    if (c === 0x21 /* ! */) {
      if (text.startsWith('<!--', lt)) { i = skip(text, lt, '-->', part); continue }
      if (text.startsWith('<![CDATA[', lt)) {
        const end = text.indexOf(']]>', lt)
        if (end < 0) throw new XmlError(`${part}: unterminated CDATA`)
        stack[stack.length - 1].children.push(text.slice(lt + 9, end))
        i = end + 3
        continue
      }
      throw new XmlError(`${part}: a document type declaration is not allowed`)
    }
    const gt = text.indexOf('>', lt)
    if (gt < 0) throw new XmlError(`${part}: unterminated tag`)
    if (c === 0x2f /* / */) {
      const name = text.slice(lt + 2, gt).trim()
      const open = stack.pop()
      if (!open || open === root || open.name !== name) throw new XmlError(`${part}: </${name.slice(0, 40)}> closes nothing open`)
      i = gt + 1
      continue
    }
    const selfClosing = text.charCodeAt(gt - 1) === 0x2f
    const body = text.slice(lt + 1, selfClosing ? gt - 1 : gt)
    const sp = body.search(/\s/)
    const name = sp < 0 ? body : body.slice(0, sp)
    const attrs: Record<string, string> = {}
    if (sp >= 0) {
      let count = 0
      ATTR.lastIndex = sp
      let m: RegExpExecArray | null
      while ((m = ATTR.exec(body))) {
        if (++count > limits.attributes) throw new XmlError(`${part}: an element with more than ${limits.attributes} attributes`)
        attrs[m[1]] = decode(m[3] ?? m[4] ?? '')
      }
    }
    if (++elements > limits.elements) throw new XmlError(`${part}: more than ${limits.elements} elements`)
    const el: XEl = { name, attrs, children: [] }
    stack[stack.length - 1].children.push(el)
    if (!selfClosing) {
      stack.push(el)
      if (stack.length - 1 > limits.depth) throw new XmlError(`${part}: elements nested deeper than ${limits.depth}`)
    }
    i = gt + 1
  }
  if (stack.length !== 1) throw new XmlError(`${part}: <${stack[stack.length - 1].name}> is never closed`)
  const first = root.children.find((x): x is XEl => typeof x !== 'string')
  if (!first) throw new XmlError(`${part}: no root element`)
  return first
}

function addText(el: XEl, raw: string): void {
  if (el.name === '#root') return
  el.children.push(decode(raw))
}

function skip(text: string, from: number, end: string, part: string): number {
  const at = text.indexOf(end, from)
  if (at < 0) throw new XmlError(`${part}: unterminated ${end === '-->' ? 'comment' : 'processing instruction'}`)
  return at + end.length
}

/** Child elements, optionally only those named `name`. */
export function kids(el: XEl | undefined, name?: string): XEl[] {
  if (!el) return []
  const out: XEl[] = []
  for (const c of el.children) if (typeof c !== 'string' && (!name || c.name === name)) out.push(c)
  return out
}

/** The first child element named `name`. */
export function kid(el: XEl | undefined, name: string): XEl | undefined {
  if (!el) return undefined
  for (const c of el.children) if (typeof c !== 'string' && c.name === name) return c
  return undefined
}

/** The text of an element's string children and descendants. */
export function textOf(el: XEl): string {
  let out = ''
  for (const c of el.children) out += typeof c === 'string' ? c : textOf(c)
  return out
}

/** The `w:val` of a child (`<w:b w:val="0"/>`), or undefined when the child is absent. */
export function val(el: XEl | undefined, name: string): string | undefined {
  const k = kid(el, name)
  return k ? (k.attrs['w:val'] ?? '') : undefined
}

/** Whether an on/off property (`<w:b/>`, `<w:b w:val="false"/>`) is on; undefined when absent. */
export function onOff(el: XEl | undefined, name: string): boolean | undefined {
  const v = val(el, name)
  if (v === undefined) return undefined
  return !(v === '0' || v === 'false' || v === 'off' || v === 'none')
}
