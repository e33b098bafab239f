// The delegations a meeting knows. A code is how delegates write a delegation in marks and notes.

/** One delegation (or the chair) on a meeting's roster. */
export interface RosterEntry {
  code: string
  name: string
  colour: string
  /** Other codes and names written for the same delegation: a Cyrillic code (`ИРАН`), a short name ("US"). */
  aliases?: string[]
}

/** The shape of a delegation code: an upper-case letter, then upper-case letters or digits (Latin or Cyrillic: `IRAN`, `ИРАН`). */
export const CODE_PATTERN = /^[A-ZА-ЯЁ][A-ZА-ЯЁ0-9]{1,15}$/

/** Every code a roster accepts: each entry's code and its aliases that have the shape of a code. */
export function rosterCodes(roster: readonly RosterEntry[]): Set<string> {
  const out = new Set<string>()
  for (const r of roster) {
    out.add(r.code)
    for (const a of r.aliases ?? []) if (CODE_PATTERN.test(a)) out.add(a)
  }
  return out
}

/** The roster's own code for a code as written (`ИРАН` → `IRAN` when the roster lists it as an alias), else the code. */
export function canonicalCode(roster: readonly RosterEntry[], code: string): string {
  for (const r of roster) if (r.code === code || r.aliases?.includes(code)) return r.code
  return code
}

/** Every code the CICA seed text uses (VIE and THA appear only in notes), plus CHAIR. */
export const DEFAULT_ROSTER: readonly RosterEntry[] = Object.freeze([
  { code: 'BANGL', name: 'Bangladesh', colour: '#006a4e' },
  { code: 'CHAIR', name: 'Chair', colour: '#5b5b5b' },
  { code: 'CHN', name: 'China', colour: '#c8102e' },
  { code: 'EGY', name: 'Egypt', colour: '#8a6d1f' },
  { code: 'IND', name: 'India', colour: '#e07000' },
  { code: 'IRAN', name: 'Iran', colour: '#239f40' },
  { code: 'IRAQ', name: 'Iraq', colour: '#7a1f2b' },
  { code: 'ISR', name: 'Israel', colour: '#0038b8' },
  { code: 'JORDAN', name: 'Jordan', colour: '#007a3d' },
  { code: 'PAK', name: 'Pakistan', colour: '#01411c' },
  { code: 'PAL', name: 'Palestine', colour: '#9a2a2a' },
  { code: 'QATAR', name: 'Qatar', colour: '#8d1b3d' },
  { code: 'RUS', name: 'Russian Federation', colour: '#1c3f94' },
  { code: 'THA', name: 'Thailand', colour: '#2d2a4a' },
  { code: 'TUR', name: 'Türkiye', colour: '#b3001b' },
  { code: 'VIE', name: 'Viet Nam', colour: '#b8860b' }
].map((e) => Object.freeze(e)))

/**
 * Checks a roster read from a file or a request. Throws a RangeError naming the first bad entry;
 * returns the entries otherwise (codes must be unique and match CODE_PATTERN).
 */
export function validateRoster(value: unknown): RosterEntry[] {
  if (!Array.isArray(value)) throw new RangeError(`roster must be a JSON list of {code, name, colour}, got ${typeof value}`)
  const seen = new Set<string>()
  return value.map((entry, i) => {
    const e = entry as Partial<RosterEntry>
    if (!e || typeof e.code !== 'string' || !CODE_PATTERN.test(e.code)) {
      throw new RangeError(`roster entry ${i}: code ${JSON.stringify(e?.code)} is not an upper-case delegation code`)
    }
    if (seen.has(e.code)) throw new RangeError(`roster entry ${i}: code ${e.code} appears twice`)
    seen.add(e.code)
    if (typeof e.name !== 'string' || !e.name) throw new RangeError(`roster entry ${i} (${e.code}): name ${JSON.stringify(e.name)} is missing`)
    const colour = typeof e.colour === 'string' && /^#[0-9a-fA-F]{3,8}$/.test(e.colour) ? e.colour : '#555555'
    const aliases = Array.isArray(e.aliases) ? e.aliases.filter((a): a is string => typeof a === 'string' && a.length > 0 && a.length <= 60) : []
    for (const a of aliases) {
      if (seen.has(a)) throw new RangeError(`roster entry ${i} (${e.code}): alias ${a} appears twice`)
      if (CODE_PATTERN.test(a)) seen.add(a)
    }
    return aliases.length ? { code: e.code, name: e.name, colour, aliases } : { code: e.code, name: e.name, colour }
  })
}
