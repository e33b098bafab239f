import type { Node } from 'prosemirror-model'
import { EditorState, NodeSelection, TextSelection, type Transaction } from 'prosemirror-state'
import { serializeInline } from '../../shared/format/index.ts'

/** A state with a text selection from..to (a cursor at `from` when `to` is left out). */
export function stateAt(d: Node, from: number, to = from): EditorState {
  return EditorState.create({ doc: d, selection: TextSelection.create(d, from, to) })
}

/** A state with the node at `at` selected. */
export function nodeSelected(d: Node, at: number): EditorState {
  return EditorState.create({ doc: d, selection: NodeSelection.create(d, at) })
}

/** Runs a command; returns the new state, or null when the command does not apply. */
export function run(state: EditorState, command: (s: EditorState, d?: (tr: Transaction) => void) => boolean): EditorState | null {
  let next: EditorState | null = null
  const ok = command(state, (tr) => { next = state.apply(tr) })
  return ok ? next ?? state : null
}

/** The document as podium text, one block a line, for assertions: `[a] (+IND)`. */
export function show(d: Node): string {
  const out: string[] = []
  d.forEach((block) => out.push(serializeInline(block.content)))
  return out.join('\n')
}
