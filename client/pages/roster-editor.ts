// The roster on the meeting home, for the secretariat: add delegations, rename, recolour, give aliases.
// The server checks every field (shared/roster.ts checkRosterEntry); the same check runs here first
// so a mistake is said before anything is sent. Open editors pick the new roster up by themselves.

import { checkRosterEntry, type RosterEntry } from '../../shared/roster.ts'
import { Api, ApiError } from '../session/api.ts'
import { h, replaceChildren } from '../ui/dom.ts'

/** What the roster editor needs from the home page. */
export interface RosterEditorOptions {
  api: Api
  /** The roster as the page knows it; changed in place after each edit. */
  roster: RosterEntry[]
  /** Says something on the page (a success or the server's refusal). */
  flash(message: string): void
  /** Called after the roster changed (the page redraws what depends on it). */
  changed(): void
}

const aliasList = (text: string): string[] => text.split(',').map((a) => a.trim()).filter(Boolean)

/** The roster section: one row per delegation (its code fixed), and a row to add one. */
export function rosterEditor(opts: RosterEditorOptions): { el: HTMLElement; refresh(): Promise<void> } {
  const body = h('tbody')
  const problem = h('p', { class: 'field-problem', id: 'roster-problem', role: 'alert' })
  const say = (message: string) => { problem.textContent = message }
  const fail = (e: unknown) => say(e instanceof ApiError ? e.message : String(e))

  function replaceRoster(entries: RosterEntry[]) {
    opts.roster.splice(0, opts.roster.length, ...entries)
    draw()
    opts.changed()
  }

  function row(r: RosterEntry): HTMLElement {
    const name = h('input', { value: r.name, 'aria-label': `Name of ${r.code}`, maxlength: 80, autocomplete: 'off' })
    const colour = h('input', { type: 'color', value: r.colour, 'aria-label': `Colour of ${r.code}` })
    const aliases = h('input', { value: (r.aliases ?? []).join(', '), 'aria-label': `Aliases of ${r.code}`, placeholder: 'e.g. ИРАН, Iran', autocomplete: 'off' })
    const save = h('button', { type: 'button', 'aria-label': `Save ${r.code}`, onclick: async () => {
      const edit = { name: name.value, colour: colour.value, aliases: aliasList(aliases.value) }
      const local = checkRosterEntry({ code: r.code, ...edit }, opts.roster)
      if (!local.ok) return say(local.problem)
      try {
        const { entry } = await opts.api.editDelegation(r.code, edit)
        say('')
        replaceRoster(opts.roster.map((x) => (x.code === r.code ? entry : x)))
        opts.flash(`${entry.code} saved: ${entry.name}.`)
      } catch (e) { fail(e) }
    } }, 'Save')
    return h('tr', { 'data-code': r.code },
      h('th', { scope: 'row' }, h('span', { class: 'chip', style: `--c: ${r.colour}` }, r.code)),
      h('td', {}, name), h('td', {}, colour), h('td', {}, aliases), h('td', {}, save))
  }

  const code = h('input', { id: 'roster-new-code', placeholder: 'KAZ', 'aria-label': 'Code of the new delegation', maxlength: 16, autocomplete: 'off' })
  const name = h('input', { id: 'roster-new-name', placeholder: 'Kazakhstan', 'aria-label': 'Name of the new delegation', maxlength: 80, autocomplete: 'off' })
  const colour = h('input', { id: 'roster-new-colour', type: 'color', value: '#00afca', 'aria-label': 'Colour of the new delegation' })
  const aliases = h('input', { id: 'roster-new-aliases', placeholder: 'aliases, comma-separated', 'aria-label': 'Aliases of the new delegation', autocomplete: 'off' })
  const add = h('button', { type: 'submit', class: 'primary' }, 'Add delegation')
  const addForm = h('form', { class: 'roster-add', 'aria-label': 'Add a delegation' }, code, name, colour, aliases, add)
  addForm.addEventListener('submit', async (e) => {
    e.preventDefault()
    const entry = { code: code.value.trim().toUpperCase(), name: name.value, colour: colour.value, aliases: aliasList(aliases.value) }
    const local = checkRosterEntry(entry, opts.roster)
    if (!local.ok) return say(local.problem)
    if (opts.roster.some((r) => r.code === entry.code)) return say(`${entry.code} is already on the roster: edit it instead`)
    try {
      const { entry: added } = await opts.api.addDelegation(local.entry)
      say('')
      addForm.reset()
      replaceRoster([...opts.roster, added])
      opts.flash(`${added.code} (${added.name}) added: links can be issued for it now.`)
    } catch (err) { fail(err) }
  })

  function draw() {
    replaceChildren(body, ...opts.roster.map(row))
  }
  draw()

  const el = h('section', { class: 'card roster', 'aria-labelledby': 'roster-title' },
    h('h2', { id: 'roster-title' }, 'Delegations'),
    h('p', { class: 'muted' }, 'Codes are how the text writes a delegation and never change; a delegation is renamed or recoloured, never removed (its code may stand in the text and the record). Open editors follow within seconds.'),
    h('table', { class: 'roster-table' },
      h('thead', {}, h('tr', {}, ...['Code', 'Name', 'Colour', 'Aliases', ''].map((t) => h('th', { scope: 'col' }, t)))), body),
    addForm, problem)

  return {
    el,
    refresh: async () => {
      try {
        const r = await opts.api.roster()
        if (JSON.stringify(r.roster) !== JSON.stringify(opts.roster)) replaceRoster(r.roster)
      } catch (e) { fail(e) }
    }
  }
}
