import type { RosterEntry } from '../../shared/roster.ts'

// Who a Word comment or tracked change speaks for: a leading "Norway:", "LMDC, Pakistan:", "US …" or
// the author, matched against the roster's codes, names and aliases (case and accents aside).

// Common ways of writing a delegation that differ from a roster's name.
const ALIASES: Record<string, string[]> = {
  'united states': ['us', 'usa', 'united states of america'],
  'russian federation': ['russia', 'rf'],
  'türkiye': ['turkiye', 'turkey'],
  'european union': ['eu'],
  'united kingdom': ['uk', 'united kingdom of great britain and northern ireland'],
  'republic of korea': ['korea', 'rok'],
  'iran': ['iran (islamic republic of)', 'islamic republic of iran'],
  'viet nam': ['vietnam']
}

function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim()
}

/** Maps names and codes to roster codes. */
export class NameMap {
  private readonly byName = new Map<string, string>()
  private readonly longest: number

  constructor (roster: readonly RosterEntry[]) {
    for (const r of roster) {
      const names = [r.code, r.name, ...(r.aliases ?? [])]
      for (const [canon, alts] of Object.entries(ALIASES)) if (fold(r.name) === canon || alts.includes(fold(r.name))) names.push(canon, ...alts)
      for (const n of names) if (!this.byName.has(fold(n))) this.byName.set(fold(n), r.code)
    }
    this.longest = Math.max(0, ...[...this.byName.keys()].map((k) => k.split(' ').length))
  }

  /** The roster code for a name or code, or null. */
  code(name: string): string | null {
    return this.byName.get(fold(name)) ?? null
  }

  /**
   * Reads delegations at the start of `text` ("LMDC, Pakistan: …", "US Further work", "Norway: …").
   * Returns the codes, the rest of the text, and a name before a colon that matched nothing.
   */
  leading(text: string): { codes: string[]; rest: string; unknown: string | null } {
    const codes: string[] = []
    let rest = text.trimStart()
    for (;;) {
      const m = this.matchName(rest)
      if (!m) break
      if (!codes.includes(m.code)) codes.push(m.code)
      rest = rest.slice(m.length)
      const sep = /^\s*(?:,|&|\/|\band\b)\s*/i.exec(rest)
      if (sep && this.matchName(rest.slice(sep[0].length))) { rest = rest.slice(sep[0].length); continue }
      break
    }
    if (codes.length) {
      rest = rest.replace(/^\s*[:–—-]?\s*/, '')
      return { codes, rest, unknown: null }
    }
    const colon = /^([^:()[\]\n]{2,40}):\s/.exec(text.trimStart())
    return { codes, rest: text.trim(), unknown: colon ? colon[1].trim() : null }
  }

  private matchName(s: string): { code: string; length: number } | null {
    const words = s.split(/(?=[\s,:;–—/&])/)
    for (let n = Math.min(this.longest, words.length); n >= 1; n--) {
      const cand = words.slice(0, n).join('')
      const code = this.byName.get(fold(cand))
      // A match must end at a word boundary.
      if (code && !/^[\p{L}\p{N}]/u.test(s.slice(cand.length))) return { code, length: cand.length }
    }
    return null
  }
}
