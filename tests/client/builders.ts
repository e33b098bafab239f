// Document builders for client tests, in the spirit of prosemirror-test-builder: p('PP1. ', br('words'), pos('IND', '-')).
import type { Node } from 'prosemirror-model'
import { EditorState, TextSelection, NodeSelection } from 'prosemirror-state'
import { schema } from '../../shared/schema.ts'

type Child = Node | string

function kids(children: Child[]): Node[] {
  return children.filter((c) => c !== '').map((c) => (typeof c === 'string' ? schema.text(c) : c))
}

/** A paragraph with an id. */
export function p(...children: Child[]): Node {
  return schema.nodes.paragraph.create({ id: `p${++counter}` }, kids(children))
}
let counter = 0

/** A paragraph with the given id. */
export function pid(id: string | null, ...children: Child[]): Node {
  return schema.nodes.paragraph.create({ id }, kids(children))
}

/** A bracket around its children. */
export function br(...children: Child[]): Node {
  return schema.nodes.bracket.create(null, kids(children))
}

/** A position mark: pos('IRAN', '+', 'with reservation'). */
export function pos(delegation: string, stance: '+' | '-' = '+', qualifier: string | null = null): Node {
  return schema.nodes.delegation_mark.create({ delegation, stance, qualifier })
}

/** A note: note('IND', 'keep original'). */
export function note(delegations: string, text: string): Node {
  return schema.nodes.note.create({ delegations, text, form: 'colon' })
}

/** A document of blocks. */
export function doc(...blocks: Node[]): Node {
  return schema.nodes.doc.create(null, blocks)
}

/** Position of the first occurrence of `needle` in the document's text (the position before its first character). */
export function find(d: Node, needle: string, offset = 0): number {
  let found = -1
  d.descendants((node, at) => {
    if (found >= 0) return false
    if (node.isText) {
      const i = node.text!.indexOf(needle)
      if (i >= 0) found = at + i + offset
    }
    return true
  })
  if (found < 0) throw new Error(`not found: ${needle}`)
  return found
}

/** A state with a text selection from..to (or a cursor at from). */
export function stateAt(d: Node, from: number, to = from): EditorState {
  return EditorState.create({ doc: d, selection: TextSelection.create(d, from, to) })
}

/** A state with the node at `at` selected. */
export function nodeSelected(d: Node, at: number): EditorState {
  return EditorState.create({ doc: d, selection: NodeSelection.create(d, at) })
}

/** Runs a command; returns the new state, or null when the command does not apply. */
export function run(state: EditorState, command: (s: EditorState, d?: (tr: import('prosemirror-state').Transaction) => void) => boolean): EditorState | null {
  let next: EditorState | null = null
  const ok = command(state, (tr) => { next = state.apply(tr) })
  return ok ? next ?? state : null
}

/** A compact podium-like text of a document, for assertions: `[a] (+IND)`. */
export function show(d: Node): string {
  const out: string[] = []
  d.forEach((block) => out.push(inline(block)))
  return out.join('\n')
}

function inline(n: Node): string {
  let s = ''
  n.forEach((c) => {
    if (c.isText) {
      let t = c.text!
      for (const m of c.marks) t = m.type.name === 'deletion' ? `~~${t}~~` : m.type.name === 'strong' ? `**${t}**` : `*${t}*`
      s += t
    } else if (c.type.name === 'bracket') s += `[${inline(c)}]`
    else if (c.type.name === 'delegation_mark') s += `(${c.attrs.stance}${c.attrs.delegation}${c.attrs.qualifier ? ' ' + c.attrs.qualifier : ''})`
    else if (c.type.name === 'note') s += `(${c.attrs.delegations}: ${c.attrs.text})`
  })
  return s
}
