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

/** Most delegations a roster may hold (the meeting home's roster editor and the server refuse more). */
export const ROSTER_MAX_ENTRIES = 300

/** Longest delegation name, in characters. */
export const ROSTER_NAME_MAX = 80

/** Most aliases of one delegation, and the longest alias, in characters. */
export const ROSTER_ALIASES_MAX = 10
export const ROSTER_ALIAS_MAX = 60

/** A colour as the roster editor takes it: `#rrggbb`. */
export const ROSTER_COLOUR_PATTERN = /^#[0-9a-fA-F]{6}$/

// Control characters, line and paragraph separators, and bidi overrides: never part of a name.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/

/** The parts of a delegation the secretariat edits from the meeting home; a part left out is kept. */
export interface RosterEdit {
  name?: unknown
  colour?: unknown
  aliases?: unknown
}

/**
 * Checks one delegation as sent to the server (a hostile request as much as the meeting home), strictly:
 * the code's shape, a name of 1–80 printable characters, a `#rrggbb` colour, at most 10 aliases of
 * 1–60 printable characters, and no code or alias that another delegation of `roster` already uses
 * (compared without case). `roster` is the roster without this entry. Returns the entry, or the
 * problem in words (an expected failure, not thrown), `taken` when a code or alias is another's.
 */
export function checkRosterEntry(value: unknown, roster: readonly RosterEntry[]): { ok: true; entry: RosterEntry } | { ok: false; problem: string; taken: boolean } {
  const bad = (problem: string, taken = false) => ({ ok: false as const, problem, taken })
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return bad('a delegation is {code, name, colour, aliases}')
  const v = value as Record<string, unknown>
  const code = v.code
  if (typeof code !== 'string' || !CODE_PATTERN.test(code)) {
    return bad(`The code ${JSON.stringify(typeof code === 'string' ? code.slice(0, 40) : code ?? null)} is not a delegation code: 2 to 16 capital letters or digits, starting with a letter (e.g. IND, ИРАН)`)
  }
  if (typeof v.name !== 'string' || !v.name.trim()) return bad(`${code}: a name is needed (e.g. India)`)
  const name = v.name.trim()
  if (name.length > ROSTER_NAME_MAX) return bad(`${code}: the name has ${name.length} characters; at most ${ROSTER_NAME_MAX}`)
  if (UNPRINTABLE.test(name)) return bad(`${code}: the name holds a control or direction character`)
  if (typeof v.colour !== 'string' || !ROSTER_COLOUR_PATTERN.test(v.colour)) return bad(`${code}: the colour ${JSON.stringify(typeof v.colour === 'string' ? v.colour.slice(0, 20) : v.colour ?? null)} is not a colour written #rrggbb`)
  const colour = v.colour.toLowerCase()
  const rawAliases = v.aliases ?? []
  if (!Array.isArray(rawAliases)) return bad(`${code}: aliases must be a list of codes or names`)
  if (rawAliases.length > ROSTER_ALIASES_MAX) return bad(`${code}: at most ${ROSTER_ALIASES_MAX} aliases (${rawAliases.length} given)`)
  const aliases: string[] = []
  for (const a of rawAliases) {
    if (typeof a !== 'string' || !a.trim()) return bad(`${code}: an alias must be a non-empty code or name`)
    const alias = a.trim()
    if (alias.length > ROSTER_ALIAS_MAX) return bad(`${code}: the alias “${alias.slice(0, 20)}…” has ${alias.length} characters; at most ${ROSTER_ALIAS_MAX}`)
    if (UNPRINTABLE.test(alias)) return bad(`${code}: an alias holds a control or direction character`)
    if (alias.toUpperCase() === code.toUpperCase() || aliases.some((x) => x.toUpperCase() === alias.toUpperCase())) return bad(`${code}: the alias ${alias} is given twice`)
    aliases.push(alias)
  }
  // Codes and aliases name one delegation each: a mark written `(+US)` must mean one delegation.
  const taken = new Map<string, string>()
  for (const r of roster) {
    if (r.code === code) continue
    taken.set(r.code.toUpperCase(), r.code)
    for (const a of r.aliases ?? []) taken.set(a.toUpperCase(), r.code)
  }
  for (const n of [code, ...aliases]) {
    const owner = taken.get(n.toUpperCase())
    if (owner) return bad(`${n} already names ${owner === n ? 'a delegation' : owner} on the roster`, true)
  }
  return { ok: true, entry: aliases.length ? { code, name, colour, aliases } : { code, name, colour } }
}
