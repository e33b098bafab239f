import { kid, kids, val, type XEl } from './xml.ts'

// Word's automatic numbering as Word displays it: each level's format (1, a, A, i, I), its text
// ("%1.", "(%2)"), its start, restarts of deeper levels when a higher one advances (or lvlRestart),
// and overrides (startOverride, a level redefined in the w:num). Counters are kept per abstract list
// for w:num instances that share one; a w:num with a startOverride is a list of its own.

interface Level {
  start: number
  fmt: string
  text: string
  /** The level whose advance restarts this one (0-based), -1 never; default: any higher level. */
  restart: number | null
  legal: boolean
}

interface NumDef {
  abstract: string
  levels: Map<number, Level>
  overrides: Map<number, number>
}

function levelOf(l: XEl): Level {
  const restart = val(l, 'w:lvlRestart')
  return {
    start: Number(val(l, 'w:start') ?? '1') || 0,
    fmt: val(l, 'w:numFmt') ?? 'decimal',
    text: val(l, 'w:lvlText') ?? '',
    restart: restart === undefined ? null : Number(restart) - 1,
    legal: kid(l, 'w:isLgl') !== undefined
  }
}

const ROMAN: [number, string][] = [[1000, 'm'], [900, 'cm'], [500, 'd'], [400, 'cd'], [100, 'c'], [90, 'xc'], [50, 'l'], [40, 'xl'], [10, 'x'], [9, 'ix'], [5, 'v'], [4, 'iv'], [1, 'i']]

function roman(n: number): string {
  let out = ''
  for (const [v, s] of ROMAN) while (n >= v) { out += s; n -= v }
  return out
}

function letters(n: number): string {
  // Word: a…z, then aa…zz, aaa…
  if (n <= 0) return ''
  const ch = String.fromCharCode(97 + ((n - 1) % 26))
  return ch.repeat(Math.floor((n - 1) / 26) + 1)
}

/** A number in a Word number format. */
export function formatNumber(n: number, fmt: string): string {
  switch (fmt) {
    case 'lowerLetter': return letters(n)
    case 'upperLetter': return letters(n).toUpperCase()
    case 'lowerRoman': return roman(n)
    case 'upperRoman': return roman(n).toUpperCase()
    case 'decimalZero': return n < 10 ? '0' + n : String(n)
    case 'none': return ''
    case 'bullet': return ''
    case 'russianLower': return 'абвгдежзиклмнопрстуфхцчшщэюя'[(n - 1) % 28] ?? String(n)
    case 'russianUpper': return ('абвгдежзиклмнопрстуфхцчшщэюя'[(n - 1) % 28] ?? String(n)).toUpperCase()
    default: return String(n)
  }
}

/** Computes paragraph labels in document order from numbering.xml. */
export class Numbering {
  private readonly abstracts = new Map<string, Map<number, Level>>()
  private readonly nums = new Map<string, NumDef>()
  private readonly counters = new Map<string, number[]>()
  private readonly started = new Set<string>()
  private readonly linked = new Map<string, string>()

  constructor (root: XEl | undefined) {
    // A list defined by a numbering style: the abstract list with `w:numStyleLink w:val="S"` has no
    // levels of its own; they are those of the abstract list with `w:styleLink w:val="S"`.
    const styleLinks = new Map<string, string>()
    const numStyleLinks = new Map<string, string>()
    for (const a of kids(root, 'w:abstractNum')) {
      const id = a.attrs['w:abstractNumId'] ?? ''
      const levels = new Map<number, Level>()
      for (const l of kids(a, 'w:lvl')) levels.set(Number(l.attrs['w:ilvl'] ?? 0), levelOf(l))
      this.abstracts.set(id, levels)
      const styleLink = val(a, 'w:styleLink')
      if (styleLink !== undefined) styleLinks.set(styleLink, id)
      const numStyleLink = val(a, 'w:numStyleLink')
      if (numStyleLink !== undefined) numStyleLinks.set(id, numStyleLink)
    }
    for (const [id, style] of numStyleLinks) {
      const target = styleLinks.get(style)
      if (target !== undefined && target !== id && this.abstracts.get(id)!.size === 0) this.abstracts.set(id, this.abstracts.get(target)!)
      // Both share one list: the counters follow the linked definition.
      if (target !== undefined) this.linked.set(id, target)
    }
    for (const n of kids(root, 'w:num')) {
      const abstract = val(n, 'w:abstractNumId') ?? ''
      const overrides = new Map<number, number>()
      const levels = new Map(this.abstracts.get(abstract) ?? [])
      for (const o of kids(n, 'w:lvlOverride')) {
        const ilvl = Number(o.attrs['w:ilvl'] ?? 0)
        const so = val(o, 'w:startOverride')
        if (so !== undefined) overrides.set(ilvl, Number(so) || 0)
        const lvl = kid(o, 'w:lvl')
        if (lvl) levels.set(ilvl, levelOf(lvl))
      }
      this.nums.set(n.attrs['w:numId'] ?? '', { abstract: this.linked.get(abstract) ?? abstract, levels, overrides })
    }
  }

  /** The label of the next paragraph in list `numId` at level `ilvl`, as Word shows it; null for none or a bullet. */
  next(numId: string, ilvl: number): string | null {
    const def = this.nums.get(numId)
    if (!def || numId === '0') return null
    const level = def.levels.get(ilvl)
    if (!level) return null
    // A w:num with start overrides is a list of its own (Word and LibreOffice both number it apart);
    // w:num instances without overrides share their abstract list's counters.
    const key = def.overrides.size ? `num:${numId}` : `abstract:${def.abstract}`
    let counts = this.counters.get(key)
    if (!counts) { counts = []; this.counters.set(key, counts) }
    // A num with overrides restarts those levels the first time it is used.
    if (def.overrides.size && !this.started.has(numId)) {
      this.started.add(numId)
      for (const [l, start] of def.overrides) counts[l] = start - 1
    }
    counts[ilvl] = counts[ilvl] === undefined ? level.start : counts[ilvl] + 1
    // Deeper levels restart when this one advances (unless they say otherwise).
    for (let l = ilvl + 1; l < 9; l++) {
      const deeper = def.levels.get(l)
      if (!deeper) { counts[l] = undefined as never; continue }
      if (deeper.restart === null || (deeper.restart >= 0 && deeper.restart >= ilvl)) counts[l] = undefined as never
    }
    if (level.fmt === 'bullet' || level.fmt === 'none') return null
    const text = level.text.replace(/%([1-9])/g, (_, d: string) => {
      const l = Number(d) - 1
      const lv = def.levels.get(l)
      const c = counts![l] ?? lv?.start ?? 1
      return formatNumber(c, level.legal && l !== ilvl ? 'decimal' : lv?.fmt ?? 'decimal')
    })
    return text.trim() || null
  }
}
