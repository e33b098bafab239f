// The meeting's live roster: the configured delegations with the secretariat's edits from the meeting
// home (added delegations, new names, colours and aliases) stored as a setting and merged over them.

import { checkRosterEntry, ROSTER_MAX_ENTRIES, type RosterEntry } from '../shared/roster.ts'
import type { Storage } from './storage/types.ts'

/** The setting holding the roster edits: a JSON list of whole entries, by code. */
export const ROSTER_SETTING = 'roster'

/** What the live roster needs from storage. */
export type RosterStorage = Pick<Storage, 'getSetting' | 'setSetting'>

/** The outcome of an edit: the entry as stored, or why not (in words) with the HTTP status that fits. */
export type RosterEditResult = { ok: true; entry: RosterEntry } | { ok: false; status: 400 | 404 | 409; problem: string }

/** The configured roster with `edits` merged over it: an edit replaces the entry of its code; new codes follow, in order. */
export function mergeRoster(configured: readonly RosterEntry[], edits: readonly RosterEntry[]): RosterEntry[] {
  const byCode = new Map(edits.map((e) => [e.code, e]))
  const out = configured.map((e) => byCode.get(e.code) ?? e)
  const known = new Set(configured.map((e) => e.code))
  for (const e of edits) if (!known.has(e.code)) out.push(e)
  return out
}

// A configured colour may be written #rgb; the editor keeps #rrggbb.
function sixDigits(colour: string): string {
  return /^#[0-9a-fA-F]{3}$/.test(colour) ? '#' + [...colour.slice(1)].map((c) => c + c).join('') : colour
}

/**
 * The roster as it is now. `entries` is one array for the server's life, changed in place, so every
 * part that holds it (the trust rules' judge, the awareness guard, token checks, the document list)
 * reads the live roster without being told. Delegations are added and edited, never removed: a code
 * may stand in the text, the audit and issued links (rename or recolour it instead). A code is never
 * changed (it is what the text says).
 */
export class LiveRoster {
  readonly entries: RosterEntry[]
  private raw: string | null = null
  private edits: RosterEntry[] = []
  private rev = 0
  /** Called with the new revision each time the roster changes after construction (edited here or read from another process's edit). */
  onChange: ((revision: number) => void) | null = null

  /** Reads the stored edits; an unreadable setting is reported through `warn` and left out (the configured roster stands). */
  constructor (private readonly storage: RosterStorage, private readonly configured: readonly RosterEntry[], private readonly warn: (message: string) => void = () => {}) {
    this.entries = [...configured]
    this.refresh()
  }

  /** Grows by one each time the roster changes; clients compare it to know when to redraw. */
  get revision(): number {
    return this.rev
  }

  /** Re-reads the stored edits (another process may have changed them) and merges them when they changed. */
  refresh(): void {
    const raw = this.storage.getSetting(ROSTER_SETTING)
    if (raw === this.raw) return
    this.raw = raw
    this.edits = raw === null ? [] : this.parse(raw)
    this.entries.splice(0, this.entries.length, ...mergeRoster(this.configured, this.edits))
    this.rev++
    this.onChange?.(this.rev)
  }

  private parse(raw: string): RosterEntry[] {
    try {
      const list = JSON.parse(raw) as unknown
      if (!Array.isArray(list)) throw new RangeError('not a list')
      const out: RosterEntry[] = []
      for (const item of list) {
        const checked = checkRosterEntry(item, mergeRoster(this.configured, out))
        if (!checked.ok) throw new RangeError(checked.problem)
        out.push(checked.entry)
      }
      return out
    } catch (err) {
      this.warn(`the stored roster edits are unreadable and were left out (the configured roster stands): ${(err as Error).message}`)
      return []
    }
  }

  /** Adds a delegation. 409 when its code (or an alias) is taken or the roster is full; 400 for a bad field. */
  add(value: unknown): RosterEditResult {
    this.refresh()
    const code = (value as { code?: unknown } | null)?.code
    if (typeof code === 'string' && this.entries.some((e) => e.code === code)) return { ok: false, status: 409, problem: `${code} is already on the roster: edit it instead` }
    if (this.entries.length >= ROSTER_MAX_ENTRIES) return { ok: false, status: 409, problem: `The roster holds at most ${ROSTER_MAX_ENTRIES} delegations` }
    const checked = checkRosterEntry(value, this.entries)
    if (!checked.ok) return { ok: false, status: checked.taken ? 409 : 400, problem: checked.problem }
    return this.store(checked.entry)
  }

  /** Changes a delegation's name, colour or aliases (a part left out is kept). 404 for a code not on the roster. */
  edit(code: string, patch: unknown): RosterEditResult {
    this.refresh()
    const current = this.entries.find((e) => e.code === code)
    if (!current) return { ok: false, status: 404, problem: `${code} is not on the roster` }
    if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return { ok: false, status: 400, problem: 'send {name, colour, aliases}: the parts to change' }
    const p = patch as Record<string, unknown>
    if ('code' in p && p.code !== code) return { ok: false, status: 400, problem: `A delegation's code is not changed (the text writes it); add a new delegation instead of renaming ${code}'s code` }
    const checked = checkRosterEntry({
      code,
      name: 'name' in p ? p.name : current.name,
      colour: 'colour' in p ? p.colour : sixDigits(current.colour),
      aliases: 'aliases' in p ? p.aliases : current.aliases ?? []
    }, this.entries)
    if (!checked.ok) return { ok: false, status: checked.taken ? 409 : 400, problem: checked.problem }
    return this.store(checked.entry)
  }

  private store(entry: RosterEntry): RosterEditResult {
    const at = this.edits.findIndex((e) => e.code === entry.code)
    const edits = at < 0 ? [...this.edits, entry] : this.edits.map((e, i) => (i === at ? entry : e))
    this.storage.setSetting(ROSTER_SETTING, JSON.stringify(edits))
    this.refresh()
    return { ok: true, entry }
  }
}
