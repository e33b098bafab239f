import { Plugin, type Command, type EditorState, type Transaction } from 'prosemirror-state'
import { toggleMark } from 'prosemirror-commands'
import type { MarkType, Node } from 'prosemirror-model'
import { MARKED_NODES, marksAttr, namesOfAttr } from '../../shared/node-marks.ts'

// In the editor (as in Yjs) a bracket, position or note keeps its marks in its `marks` attribute:
// y-prosemirror drops ProseMirror marks on anything but text (shared/node-marks.ts). This plugin moves
// marks that a command or a paste put on such a node into the attribute, in the same update, and the
// mark commands below see and take away marks held in the attribute.

function liftIn(state: EditorState, tr: Transaction): Transaction | null {
  let out: Transaction | null = null
  state.doc.descendants((node, pos) => {
    if (!MARKED_NODES.has(node.type.name) || node.marks.length === 0) return true
    const names = new Set([...namesOfAttr(node.attrs.marks), ...node.marks.map((m) => m.type.name)])
    out ??= tr
    out.setNodeMarkup(pos, null, { ...node.attrs, marks: marksAttr(names) }, [])
    return true
  })
  return out
}

/** Keeps marks of brackets, positions and notes in their `marks` attribute. */
export function nodeMarksPlugin(): Plugin {
  return new Plugin({
    appendTransaction(trs, _old, state) {
      if (!trs.some((t) => t.docChanged)) return null
      return liftIn(state, state.tr)
    }
  })
}

// Brackets, positions and notes wholly inside the selection.
function markedNodesIn(state: EditorState): { node: Node; pos: number }[] {
  const out: { node: Node; pos: number }[] = []
  for (const r of state.selection.ranges) {
    state.doc.nodesBetween(r.$from.pos, r.$to.pos, (node, pos) => {
      if (MARKED_NODES.has(node.type.name) && pos >= r.$from.pos && pos + node.nodeSize <= r.$to.pos) out.push({ node, pos })
      return true
    })
  }
  return out
}

// The nodes not inside another of the list, in document order.
function outermost(nodes: { node: Node; pos: number }[]): { node: Node; pos: number }[] {
  const out: { node: Node; pos: number }[] = []
  for (const n of [...nodes].sort((a, b) => a.pos - b.pos)) {
    const last = out[out.length - 1]
    if (last && n.pos < last.pos + last.node.nodeSize) continue
    out.push(n)
  }
  return out
}

/**
 * toggleMark that also counts a mark held in a bracket's, position's or note's attribute: when every
 * text and every such node in the selection has the mark, it is taken off all of them; otherwise it
 * is put on all (the plugin then moves it into the attributes).
 */
export function toggleNodeAwareMark(type: MarkType): Command {
  const plain = toggleMark(type)
  return (state, dispatch) => {
    const nodes = markedNodesIn(state)
    if (state.selection.empty || nodes.length === 0) return plain(state, dispatch)
    let all = true
    for (const r of state.selection.ranges) {
      state.doc.nodesBetween(r.$from.pos, r.$to.pos, (node, pos) => {
        if (node.isText && !type.isInSet(node.marks)) {
          // Text inside a bracket that itself holds the mark counts as marked.
          const $pos = state.doc.resolve(Math.max(pos, r.$from.pos))
          let inherited = false
          for (let d = $pos.depth; d > 0; d--) if (namesOfAttr($pos.node(d).attrs.marks).includes(type.name)) inherited = true
          if (!inherited) all = false
        }
        if (MARKED_NODES.has(node.type.name) && pos >= r.$from.pos && pos + node.nodeSize <= r.$to.pos && !namesOfAttr(node.attrs.marks).includes(type.name) && !type.isInSet(node.marks)) all = false
        return true
      })
    }
    if (!dispatch) return true
    const tr = state.tr
    if (all) {
      for (const r of state.selection.ranges) tr.removeMark(r.$from.pos, r.$to.pos, type)
      for (const { node, pos } of nodes) {
        const names = namesOfAttr(node.attrs.marks).filter((n) => n !== type.name)
        tr.setNodeMarkup(pos, null, { ...node.attrs, marks: marksAttr(names) }, [])
      }
    } else {
      // A whole bracket (position, note) gets the mark itself; its content is left as it is, so
      // `~~[text]~~` is written rather than `~~[~~text~~]~~`. Text between them gets the mark.
      for (const r of state.selection.ranges) {
        let at = r.$from.pos
        for (const { node, pos } of outermost(nodes).filter((x) => x.pos >= r.$from.pos && x.pos < r.$to.pos)) {
          if (pos > at) tr.addMark(at, pos, type.create())
          tr.setNodeMarkup(pos, null, { ...node.attrs, marks: marksAttr([...namesOfAttr(node.attrs.marks), type.name]) }, [])
          at = pos + node.nodeSize
        }
        if (r.$to.pos > at) tr.addMark(at, r.$to.pos, type.create())
      }
    }
    dispatch(tr.scrollIntoView())
    return true
  }
}
