// The editor side of the trust rules (shared/trust): a delegation's change that the server would
// refuse never leaves the tab. Deleting others' words becomes a proposed deletion (struck text);
// anything else is stopped and explained. The server enforces the same rules; this is for comfort.

import { Plugin, PluginKey, TextSelection, type EditorState, type Transaction } from 'prosemirror-state'
import { ReplaceStep, ReplaceAroundStep } from 'prosemirror-transform'
import type { EditorView } from 'prosemirror-view'
import { ySyncPluginKey } from 'y-prosemirror'
import * as Y from 'yjs'
import { schema } from '../../shared/schema.ts'
import type { RosterEntry } from '../../shared/roster.ts'
import { changeBetween, checkAuthority, isViolation, readBlock, type Sender, type Violation } from '../../shared/trust/index.ts'

/** Key of the trust guard. */
export const trustGuardKey = new PluginKey('podium-trust-guard')

/** What the guard needs from the page. */
export interface TrustGuardOptions {
  /** Who is editing; null lets everything through (the server still checks). */
  sender: () => Sender | null
  roster: readonly RosterEntry[]
  /** The shared fragment the editor is bound to (who typed what). */
  fragment: Y.XmlFragment
  /** Tells the person why a change was stopped, or what was done instead. */
  notify: (message: string) => void
}

// Whether a transaction takes anything out of the document (only then do authors matter).
function removes(tr: Transaction): boolean {
  return tr.steps.some((s) => (s instanceof ReplaceStep || s instanceof ReplaceAroundStep) && (s as unknown as { from: number; to: number }).from < (s as unknown as { from: number; to: number }).to)
}

// Who typed each character of the top-level blocks, from the Yjs items behind them: only this tab's
// own client id counts as the person's (earlier sessions are treated as someone else's: the editor
// then proposes a deletion where the server might have allowed one, never the reverse).
function authorsFrom(fragment: Y.XmlFragment, identity: string): (index: number) => { text: (string | null)[]; brackets: (string | null)[] } | null {
  let items: Y.Item[] | null = null
  const own = fragment.doc!.clientID
  return (index) => {
    if (!items) {
      items = []
      for (let n = fragment._start; n; n = n.right as Y.Item | null) if (!n.deleted) items.push(n)
    }
    const item = items[index]
    if (!item) return null
    const read = readBlock(item, (i) => !i.deleted, (client) => (client === own ? identity : null))
    return isViolation(read) ? null : { text: read.authors, brackets: read.bracketAuthors }
  }
}

// A deletion of others' words as a proposal: the range struck through instead of removed, and
// typed text (if the deletion was typing over a selection) put after it.
function asProposal(state: EditorState, tr: Transaction): Transaction | null {
  if (tr.steps.length !== 1 || !(tr.steps[0] instanceof ReplaceStep)) return null
  const step = tr.steps[0] as unknown as { from: number; to: number; slice: import('prosemirror-model').Slice }
  if (step.from >= step.to) return null
  const out = state.tr.addMark(step.from, step.to, schema.marks.deletion.create())
  if (step.slice.size > 0) {
    out.removeStoredMark(schema.marks.deletion)
    out.replace(step.to, step.to, step.slice)
    out.setSelection(TextSelection.create(out.doc, step.to + step.slice.size))
  } else {
    // Backspace leaves the cursor before the struck words, Delete after them.
    const back = tr.selection.from <= step.from
    out.setSelection(TextSelection.create(out.doc, back ? step.from : step.to))
  }
  return out
}

/**
 * Stops local changes the server would refuse for this person (see shared/trust/authority.ts).
 * Remote changes (from Yjs) always pass.
 */
export function trustGuardPlugin(opts: TrustGuardOptions): Plugin {
  let view: EditorView | null = null
  return new Plugin({
    key: trustGuardKey,
    view(v) {
      view = v
      return { destroy: () => { view = null } }
    },
    filterTransaction(tr, state) {
      if (!tr.docChanged || tr.getMeta(ySyncPluginKey) !== undefined || tr.getMeta(trustGuardKey)) return true
      const sender = opts.sender()
      if (!sender) return true
      const authors = removes(tr) ? authorsFrom(opts.fragment, sender.identity) : () => null
      const verdict: Violation | null = checkAuthority(changeBetween(state.doc, tr.doc, authors), sender, opts.roster, { blockIds: false })
      if (!verdict) return true
      const proposal = verdict.rule === 'others-words' ? asProposal(state, tr) : null
      if (proposal && !checkAuthority(changeBetween(state.doc, proposal.doc), sender, opts.roster, { blockIds: false })) {
        proposal.setMeta(trustGuardKey, true)
        // After this transaction has been dropped.
        queueMicrotask(() => view?.dispatch(proposal))
        opts.notify('Struck through as a proposed deletion: a delegation deletes only words it typed.')
      } else {
        opts.notify(verdict.reason)
      }
      return false
    }
  })
}

/**
 * Whether this tab put in the bracket `node` (its Yjs element was written under this tab's client
 * id): a delegation may remove only brackets it put in (shared/trust/authority.ts).
 */
export function bracketIsOwn(state: EditorState, node: import('prosemirror-model').Node): boolean {
  const binding = (ySyncPluginKey.getState(state) as { binding?: { mapping: Map<Y.AbstractType<unknown>, unknown>; doc: Y.Doc } } | undefined)?.binding
  if (!binding) return false
  for (const [type, pm] of binding.mapping) {
    if (pm === node) return type._item?.id.client === binding.doc.clientID
  }
  return false
}
