import type { Node } from 'prosemirror-model'
import type { NodeView } from 'prosemirror-view'
import { noteText, positionText } from '../../shared/schema.ts'
import type { RosterEntry } from '../../shared/roster.ts'

/** Looks a delegation up on the roster: its name and colour (grey for codes not on it). */
export type RosterLookup = (code: string) => { name: string; colour: string }

// How many times each roster array was changed in place (the live roster, client/session/live-roster.ts).
const versions = new WeakMap<readonly RosterEntry[], number>()

/** Tells every lookup over `roster` that the array was changed in place: they read it again. */
export function rosterChanged(roster: readonly RosterEntry[]): void {
  versions.set(roster, (versions.get(roster) ?? 0) + 1)
}

/** A roster lookup over a list of entries (read again after rosterChanged). */
export function rosterLookup(roster: readonly RosterEntry[]): RosterLookup {
  let seen = -1
  let byCode = new Map<string, RosterEntry>()
  return (code) => {
    const v = versions.get(roster) ?? 0
    if (v !== seen) {
      seen = v
      byCode = new Map(roster.map((r) => [r.code, r]))
    }
    return byCode.get(code) ?? { name: code, colour: '#666666' }
  }
}

// A whole position or note struck through, bold or in emphasis (its `marks` attribute).
function markClasses(n: Node): string {
  return typeof n.attrs.marks === 'string' && n.attrs.marks ? ' ' + n.attrs.marks.split(' ').map((m: string) => `pm-node-${m}`).join(' ') : ''
}

// An atom's node view: drawn by `render` now and on every update of the same type; the DOM is ours.
function atomView(node: Node, dom: HTMLElement, render: (n: Node) => void): NodeView {
  render(node)
  return {
    dom,
    update(n) {
      if (n.type !== node.type) return false
      render(n)
      return true
    },
    ignoreMutation: () => true
  }
}

/**
 * A position as a chip in the delegation's colour: a clear + or − then the code, then the qualifier.
 * The chip's text is the podium text (`(+IRAN with reservation)`) for screen readers and copying;
 * CSS draws it as a chip.
 */
export function positionView(node: Node, lookup: RosterLookup): NodeView {
  const dom = document.createElement('span')
  const render = (n: Node) => {
    const { delegation, stance, qualifier } = n.attrs as { delegation: string; stance: string; qualifier: string | null }
    const who = lookup(delegation)
    dom.className = `pm-position ${stance === '-' ? 'is-oppose' : 'is-support'}${markClasses(n)}`
    dom.dataset.position = ''
    dom.dataset.delegation = delegation
    dom.dataset.stance = stance
    dom.style.setProperty('--c', who.colour)
    dom.title = `${who.name} ${stance === '-' ? 'opposes' : 'supports'}${qualifier ? ' ' + qualifier : ''}`
    dom.setAttribute('aria-label', dom.title)
    const sign = document.createElement('span')
    sign.className = 'pm-stance'
    sign.setAttribute('aria-hidden', 'true')
    sign.textContent = stance === '-' ? '−' : '+'
    const code = document.createElement('span')
    code.className = 'pm-code'
    code.textContent = delegation
    const children: HTMLElement[] = [sign, code]
    if (qualifier) {
      const q = document.createElement('span')
      q.className = 'pm-qualifier'
      q.textContent = qualifier
      children.push(q)
    }
    // Hidden podium text keeps find-in-page and plain DOM reading faithful.
    const raw = document.createElement('span')
    raw.className = 'pm-raw'
    raw.textContent = positionText(n.attrs as never)
    dom.replaceChildren(...children, raw)
  }
  return atomView(node, dom, render)
}

/** A note as a chip: the delegations' codes (first one's colour), then the remark. */
export function noteView(node: Node, lookup: RosterLookup): NodeView {
  const dom = document.createElement('span')
  const render = (n: Node) => {
    const { delegations, text } = n.attrs as { delegations: string; text: string; form: string }
    const first = delegations.split(',')[0]?.trim() ?? ''
    dom.className = 'pm-note' + markClasses(n)
    dom.dataset.note = ''
    dom.dataset.delegations = delegations
    dom.style.setProperty('--c', lookup(first).colour)
    dom.setAttribute('aria-label', `Note by ${delegations}: ${text}`)
    const who = document.createElement('span')
    who.className = 'pm-note-who'
    who.textContent = delegations
    const body = document.createElement('span')
    body.className = 'pm-note-text'
    body.textContent = text
    const raw = document.createElement('span')
    raw.className = 'pm-raw'
    raw.textContent = noteText(n.attrs as never)
    dom.replaceChildren(who, body, raw)
  }
  return atomView(node, dom, render)
}

/**
 * A footnote or endnote as a superscript marker (numbered by CSS counters in document order:
 * 1, 2… for footnotes, i, ii… for endnotes); its text shows on hover and, for touch and keyboard
 * readers, stays open after a click until the next click.
 */
export function footnoteView(node: Node): NodeView {
  const dom = document.createElement('sup')
  const render = (n: Node) => {
    const { kind, text } = n.attrs as { kind: 'footnote' | 'endnote'; text: string }
    const open = dom.classList.contains('pm-footnote-open')
    dom.className = `pm-footnote pm-${kind}` + markClasses(n) + (open ? ' pm-footnote-open' : '')
    dom.dataset.footnote = ''
    dom.dataset.kind = kind
    dom.title = text
    dom.setAttribute('aria-label', `${kind === 'endnote' ? 'Endnote' : 'Footnote'}: ${text}`)
    const body = document.createElement('span')
    body.className = 'pm-footnote-text'
    body.textContent = text || '(empty)'
    dom.replaceChildren(body)
  }
  dom.addEventListener('click', () => dom.classList.toggle('pm-footnote-open'))
  return atomView(node, dom, render)
}
