import { EditorState } from 'prosemirror-state'
import { EditorView } from 'prosemirror-view'
import { schema } from '../../shared/schema.ts'
import type { RosterEntry } from '../../shared/roster.ts'
import { analysisPlugin } from '../editor/analysis-plugin.ts'
import { bracketHighlightPlugin } from '../editor/bracket-highlight.ts'
import { footnoteView, positionView, noteView, rosterLookup } from '../editor/node-views.ts'
import { sliceToPodium } from '../editor/clipboard.ts'

/**
 * A snapshot's text in a read-only ProseMirror view: the same schema, node views, gutter and bracket
 * highlighting as the live editor, but no Yjs binding and never editable. Destroy it when leaving.
 */
export function snapshotView(mount: HTMLElement, docJson: Record<string, unknown>, roster: readonly RosterEntry[], ariaLabel: string): EditorView {
  const lookup = rosterLookup(roster)
  const state = EditorState.create({ schema, doc: schema.nodeFromJSON(docJson), plugins: [analysisPlugin(roster), bracketHighlightPlugin()] })
  return new EditorView(mount, {
    state,
    editable: () => false,
    // Focusable although not editable: keyboard users read and scroll it, and copy from it.
    attributes: { tabindex: '0', role: 'textbox', 'aria-multiline': 'true', 'aria-readonly': 'true', 'aria-label': ariaLabel, class: 'podium-text snapshot-text' },
    nodeViews: {
      delegation_mark: (node) => positionView(node, lookup),
      note: (node) => noteView(node, lookup),
      footnote: (node) => footnoteView(node)
    },
    clipboardTextSerializer: (slice) => sliceToPodium(slice)
  })
}
