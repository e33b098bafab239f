import { Plugin, PluginKey, type EditorState } from 'prosemirror-state'
import { Decoration, DecorationSet, type EditorView } from 'prosemirror-view'
import { schema } from '../../shared/schema.ts'
import { bracketAt, bracketBefore, positionGroup } from '../commands/find-bracket.ts'

const key = new PluginKey<number | null>('podium-bracket-highlight')

/** Where the bracket under the mouse starts (set by mouseover), or null. */
function hoveredBracket(view: EditorView, target: EventTarget | null): number | null {
  if (!(target instanceof Element)) return null
  const el = target.closest('.pm-bracket, .pm-position')
  if (!el || !view.dom.contains(el)) return null
  try {
    if (el.classList.contains('pm-bracket')) {
      const pos = view.posAtDOM(el, 0) - 1
      return view.state.doc.nodeAt(pos)?.type === schema.nodes.bracket ? pos : null
    }
    const pos = view.posAtDOM(el, 0)
    return bracketBefore(view.state.doc.resolve(pos))?.pos ?? null
  } catch {
    return null
  }
}

function decorate(state: EditorState, bracketPos: number, cls: string): DecorationSet {
  const node = state.doc.nodeAt(bracketPos)
  if (!node) return DecorationSet.empty
  const decos = [Decoration.node(bracketPos, bracketPos + node.nodeSize, { class: cls })]
  for (const p of positionGroup(state.doc, bracketPos).positions) {
    decos.push(Decoration.node(p.pos, p.pos + p.node.nodeSize, { class: cls }))
  }
  return DecorationSet.create(state.doc, decos)
}

/**
 * Highlights one bracket pair and the positions that follow it: the one under the mouse, or else
 * the one at the cursor (so keyboard users see which bracket a command will act on).
 */
export function bracketHighlightPlugin(): Plugin<number | null> {
  return new Plugin<number | null>({
    key,
    state: {
      init: () => null,
      apply(tr, prev) {
        const meta = tr.getMeta(key) as number | null | undefined
        if (meta !== undefined) return meta
        if (prev === null || !tr.docChanged) return prev
        const mapped = tr.mapping.mapResult(prev, 1)
        return mapped.deleted ? null : mapped.pos
      }
    },
    props: {
      decorations(state) {
        const hovered = key.getState(state)
        if (hovered !== null && hovered !== undefined && state.doc.nodeAt(hovered)?.type === schema.nodes.bracket) {
          return decorate(state, hovered, 'is-hover')
        }
        const current = bracketAt(state)
        return current ? decorate(state, current.pos, 'is-current') : null
      },
      handleDOMEvents: {
        mouseover(view, event) {
          const pos = hoveredBracket(view, event.target)
          if (pos !== key.getState(view.state)) view.dispatch(view.state.tr.setMeta(key, pos))
          return false
        },
        mouseleave(view) {
          if (key.getState(view.state) !== null) view.dispatch(view.state.tr.setMeta(key, null))
          return false
        }
      }
    }
  })
}
