import type { EditorState, Command } from 'prosemirror-state'
import type { EditorView } from 'prosemirror-view'
import { undoCommand, redoCommand } from 'y-prosemirror'
import { toggleAgreedAdRef } from '../commands/agreed.ts'
import { AGREED_LOCKED } from '../../shared/trust/index.ts'
import { bracketAt } from '../commands/find-bracket.ts'
import { bracketIsOwn } from './trust-guard.ts'

function ownBracketHere(state: EditorState): boolean {
  const found = bracketAt(state)
  return !!found && bracketIsOwn(state, found.node)
}

// Lifting a bracket lifts its positions; a delegation may withdraw only its own, so it may lift only
// a bracket it put in that carries no other delegation's position. Null when it may, else why not.
function whyNotLift(state: EditorState, ctx: ActionContext): string | null {
  if (!removeBracket(state)) return 'Put the cursor in a bracket (or just after it) to lift it'
  if (ctx.holdsPen()) return null
  if (!ownBracketHere(state)) return 'A delegation can lift only a bracket it put in'
  const me = ctx.speaking()
  const others = positionsOfBracketHere(state).map((p) => String(p.node.attrs.delegation)).filter((d) => d !== me)
  if (others.length) return `This bracket carries ${[...new Set(others)].join(', ')}'s position: lifting it would withdraw it; ask the chair`
  return null
}
import {
  bracketSelection, removeBracket, togglePosition, setQualifier, insertNote, ownPosition,
  toggleDeletion, toggleStrong, toggleEmphasis, insertNextLabel
} from '../commands/index.ts'
import { positionsOfBracketHere } from '../commands/unbracket.ts'
import { inPreamble } from '../commands/label.ts'

/** What actions need from the page around the editor. */
export interface ActionContext {
  /** The delegation positions and notes are entered for: one's own, or the one the secretariat/chair picked. */
  speaking(): string | null
  /** Asks the person for a short text (qualifier, note); null when cancelled. */
  ask(title: string, label: string, initial: string): Promise<string | null>
  /** Whether the person holds the pen (secretariat, chair): may mark paragraphs agreed ad ref and edit them. */
  holdsPen(): boolean
  /** Asks a yes/no question (an unusual act: an OP label in the preamble); absent: no question asked. */
  confirm?(title: string, message: string, confirmLabel: string): Promise<boolean>
}

/** Why the person cannot change the text at the cursor (an agreed ad ref paragraph, for a delegation), or null. */
export function lockedHere(state: EditorState, ctx: ActionContext): string | null {
  if (ctx.holdsPen()) return null
  const $from = state.selection.$from
  const $to = state.selection.$to
  for (let i = $from.index(0); i <= $to.index(0) && i < state.doc.childCount; i++) {
    if (state.doc.child(i).attrs.adref === true) return AGREED_LOCKED.reason
  }
  return null
}

/** One negotiation or editing action, shared by the toolbar, the keymap and the help panel. */
export interface EditorAction {
  id: string
  /** Button text (short). */
  short: string
  /** Accessible name and help text. */
  label: string
  /** prosemirror-keymap key names; the first is shown. */
  keys: string[]
  group: 'structure' | 'position' | 'format' | 'history'
  /** Whether the action applies now (toolbar buttons are disabled otherwise). */
  enabled(state: EditorState, ctx: ActionContext): boolean
  /** Why it does not apply now (the disabled button's tooltip); absent: no reason given. */
  why?(state: EditorState, ctx: ActionContext): string | null
  /** Runs it; true when something happened or a dialog opened. */
  run(view: EditorView, ctx: ActionContext): boolean
}

function simple(id: string, short: string, label: string, keys: string[], group: EditorAction['group'], cmd: Command, why?: EditorAction['why']): EditorAction {
  return {
    id, short, label, keys, group, why,
    enabled: (state) => cmd(state),
    run: (view) => cmd(view.state, view.dispatch, view)
  }
}

/** Why a position or note cannot be entered: no delegation speaking yet (the pen picks one). */
const NO_DELEGATION = 'Choose the delegation speaking first ("For …" in the toolbar)'

function withDelegation(id: string, short: string, label: string, keys: string[], make: (d: string) => Command): EditorAction {
  return {
    id, short, label, keys, group: 'position',
    why: (_state, ctx) => (ctx.speaking() ? null : NO_DELEGATION),
    enabled: (state, ctx) => { const d = ctx.speaking(); return !!d && make(d)(state) },
    run: (view, ctx) => { const d = ctx.speaking(); return !!d && make(d)(view.state, view.dispatch, view) }
  }
}

// Why a label cannot go here: the cursor is not in an unlabelled paragraph.
function whyNoLabel(state: EditorState): string {
  const { $from } = state.selection
  const block = $from.depth >= 1 ? $from.node(1) : null
  if (!block || block.type.name !== 'paragraph') return 'Labels go at the start of a paragraph: put the cursor in one (not a heading)'
  return 'This paragraph already has a label'
}

/** Every editor action, in toolbar order. */
export const ACTIONS: readonly EditorAction[] = [
  simple('bracket', '[ ]', 'Bracket the selection', ['Alt-b', 'Mod-['], 'structure', bracketSelection, () => 'Brackets go in one paragraph\'s text (not in a heading, not across paragraphs)'),
  {
    id: 'unbracket', short: 'Lift [ ]', label: 'Remove the bracket at the cursor, keep its words', keys: ['Alt-u', 'Mod-]'], group: 'structure',
    // The pen lifts any bracket with its positions; a delegation, only its own carrying no other's positions.
    enabled: (state, ctx) => whyNotLift(state, ctx) === null,
    why: whyNotLift,
    run: (view, ctx) => whyNotLift(view.state, ctx) === null && removeBracket(view.state, view.dispatch, view)
  },
  simple('delete', 'Delete?', 'Propose the selection for deletion (or take it back)', ['Alt-d'], 'structure', toggleDeletion, () => 'A deletion is proposed on text: put the cursor in a paragraph or select words'),
  simple('label', 'PP/OP', 'Insert the next free paragraph label (same series as above)', ['Alt-l'], 'structure', insertNextLabel(), whyNoLabel),
  {
    id: 'label-op', short: 'OP…', label: 'Insert the next free operative paragraph label (OP)', keys: ['Alt-o'], group: 'structure',
    enabled: (state) => insertNextLabel('OP')(state),
    why: whyNoLabel,
    run(view, ctx) {
      if (!insertNextLabel('OP')(view.state)) return false
      // An OP label among the preambular paragraphs is rarely meant: ask first.
      if (!inPreamble(view.state) || !ctx.confirm) return insertNextLabel('OP')(view.state, view.dispatch, view)
      void ctx.confirm('An OP label in the preamble?', 'This paragraph stands among the preambular (PP) paragraphs, before the operative ones. Insert an operative (OP) label here anyway?', 'Insert OP label').then((yes) => {
        if (yes) insertNextLabel('OP')(view.state, view.dispatch, view)
        view.focus()
      })
      return true
    }
  },
  withDelegation('support', '+', 'Support the bracket at the cursor, or the text before it (again: take it back)', ['Alt-=', 'Alt-+'], (d) => togglePosition(d, '+')),
  withDelegation('oppose', '−', 'Oppose the bracket at the cursor, or the text before it (again: take it back)', ['Alt--'], (d) => togglePosition(d, '-')),
  {
    id: 'qualifier', short: 'Qualify…', label: 'Add or change the qualifier of your position ("with reservation")', keys: ['Alt-q'], group: 'position',
    why: (_state, ctx) => (ctx.speaking() ? null : NO_DELEGATION),
    enabled: (state, ctx) => { const d = ctx.speaking(); return !!d && setQualifier(d, 'x')(state) },
    run(view, ctx) {
      const d = ctx.speaking()
      if (!d || !setQualifier(d, 'x')(view.state)) return false
      const current = ownPosition(view.state, d)?.node.attrs.qualifier ?? ''
      void ctx.ask(`Qualifier for ${d}`, 'Qualifier (empty removes it)', current || 'with reservation').then((q) => {
        if (q !== null) setQualifier(d, q)(view.state, view.dispatch, view)
        view.focus()
      })
      return true
    }
  },
  {
    id: 'note', short: 'Note…', label: 'Add a note for the delegation ("keep original")', keys: ['Alt-n'], group: 'position',
    why: (_state, ctx) => (ctx.speaking() ? null : NO_DELEGATION),
    enabled: (state, ctx) => { const d = ctx.speaking(); return !!d && insertNote([d], 'x')(state) },
    run(view, ctx) {
      const d = ctx.speaking()
      if (!d || !insertNote([d], 'x')(view.state)) return false
      void ctx.ask(`Note by ${d}`, 'Note text', '').then((text) => {
        if (text) insertNote(d.split(',').map((s) => s.trim()), text)(view.state, view.dispatch, view)
        view.focus()
      })
      return true
    }
  },
  {
    id: 'adref', short: 'Ad ref', label: 'Mark the paragraph agreed ad ref, locking it for delegations (again: reopen it)', keys: ['Alt-a'], group: 'structure',
    enabled: (state, ctx) => ctx.holdsPen() && toggleAgreedAdRef(state),
    why: (_state, ctx) => (ctx.holdsPen() ? 'Put the cursor in a paragraph (headings are not agreed)' : 'Only the secretariat and the chair mark a paragraph agreed ad ref'),
    run: (view, ctx) => ctx.holdsPen() && toggleAgreedAdRef(view.state, view.dispatch, view)
  },
  simple('strong', 'B', 'Strong', ['Mod-b'], 'format', toggleStrong, () => 'Formatting applies to text: put the cursor in a paragraph or select words'),
  simple('emphasis', 'I', 'Emphasis', ['Mod-i'], 'format', toggleEmphasis, () => 'Formatting applies to text: put the cursor in a paragraph or select words'),
  simple('undo', '↶', 'Undo your last change', ['Mod-z'], 'history', undoCommand, () => 'Nothing of yours to undo (others\' changes are theirs)'),
  simple('redo', '↷', 'Redo', ['Mod-y', 'Mod-Shift-z'], 'history', redoCommand, () => 'Nothing to redo')
]

/** A key name as people read it: `Mod-Shift-z` → `Ctrl+Shift+Z` (⌘ on a Mac); `Alt--` → `Alt+-`. */
export function keyLabel(key: string): string {
  const mac = typeof navigator !== 'undefined' && /Mac|iP(hone|ad)/.test(navigator.platform)
  // Split as prosemirror-keymap does: a trailing '-' is the key itself.
  return key.split(/-(?!$)/).map((part) => (part === 'Mod' ? (mac ? '⌘' : 'Ctrl') : part.length === 1 ? part.toUpperCase() : part)).join('+')
}
