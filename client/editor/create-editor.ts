import { EditorState, Plugin } from 'prosemirror-state'
import { EditorView } from 'prosemirror-view'
import { keymap } from 'prosemirror-keymap'
import { baseKeymap } from 'prosemirror-commands'
import { ySyncPlugin, ySyncPluginKey, yCursorPlugin, yUndoPlugin } from 'y-prosemirror'
import type * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import { schema } from '../../shared/schema.ts'
import type { RosterEntry } from '../../shared/roster.ts'
import { blockIdsPlugin } from './block-ids.ts'
import { analysisPlugin } from './analysis-plugin.ts'
import { bracketHighlightPlugin } from './bracket-highlight.ts'
import { footnoteView, positionView, noteView, rosterLookup } from './node-views.ts'
import { sliceToPodium, podiumToSlice, handlePodiumPaste } from './clipboard.ts'
import { cursorBuilder, selectionBuilder, showCursorOf } from './cursors.ts'
import { emptyBlockInputPlugin } from './empty-block-input.ts'
import { stickyCursorPlugin } from './sticky-cursor.ts'
import { nodeMarksPlugin } from './node-marks.ts'
import { ACTIONS, type ActionContext } from './actions.ts'
import { trustGuardPlugin, type TrustGuardOptions } from './trust-guard.ts'
import { sizeGuardPlugin, type SizeGuardOptions } from './size-guard.ts'

/** Options for createEditor. */
export interface EditorOptions {
  fragment: Y.XmlFragment
  awareness: Awareness
  roster: readonly RosterEntry[]
  /** Whether the person may edit at all (false for observers: never editable). */
  canEdit: boolean
  /** Whether the document is loaded yet (editing before would duplicate content). */
  ready: () => boolean
  actions: ActionContext
  /**
   * Called after a state change (toolbar, panels): at once after this tab's own changes, and for
   * changes from other people once per task (they arrive once per animation frame), however many came in it.
   */
  onUpdate: (view: EditorView) => void
  /** Which remote people get a visible cursor (default: everyone but observers). */
  showCursor?: (user: { role?: string } | undefined) => boolean
  /** Accessible name of the text area. */
  ariaLabel: string
  /** Who is editing and how to tell them about a stopped change (the trust rules); none: no guard. */
  trust?: Omit<TrustGuardOptions, 'fragment' | 'roster'>
  /** How much is unsent and how to say a change is too large to send; none: no guard. */
  size?: SizeGuardOptions
}

/**
 * The podium editor: ProseMirror bound to the shared Y.XmlFragment (ySyncPlugin), remote cursors
 * labelled with delegation code and colour (yCursorPlugin), undo of one's own changes only
 * (yUndoPlugin), negotiation keys, block ids, gutter and bracket highlighting, podium-text clipboard.
 */
export function createEditor(mount: HTMLElement, opts: EditorOptions): EditorView {
  const lookup = rosterLookup(opts.roster)
  const actionKeys: Record<string, (s: EditorState, d?: unknown, v?: EditorView) => boolean> = {}
  for (const a of ACTIONS) {
    for (const k of a.keys) {
      actionKeys[k] = (_s, _d, v) => {
        if (!v) return false
        if (a.run(v, opts.actions)) return true
        // A key that did nothing says why, when there is a reason to give (no delegation speaking…).
        const why = v.editable ? a.why?.(v.state, opts.actions) : null
        if (why) { opts.trust?.notify(why); return true }
        return false
      }
    }
  }
  const editable = () => opts.canEdit && opts.ready()
  const plugins: Plugin[] = [
    ySyncPlugin(opts.fragment),
    yCursorPlugin(opts.awareness, {
      cursorBuilder: cursorBuilder as never,
      selectionBuilder: selectionBuilder as never,
      awarenessStateFilter: ((local: number, client: number, state: { user?: { role?: string } }) =>
        showCursorOf(local, client, state as never) && (opts.showCursor?.(state.user) ?? true)) as never
    }),
    yUndoPlugin(),
    stickyCursorPlugin(),
    emptyBlockInputPlugin(),
    nodeMarksPlugin(),
    keymap(actionKeys),
    keymap(baseKeymap),
    ...(opts.size ? [sizeGuardPlugin(opts.size)] : []),
    ...(opts.trust ? [trustGuardPlugin({ ...opts.trust, fragment: opts.fragment, roster: opts.roster })] : []),
    blockIdsPlugin(editable),
    analysisPlugin(opts.roster),
    bracketHighlightPlugin()
  ]
  const state = EditorState.create({ schema, plugins })
  // Changes from others reach the editor once per frame already (sync/frame-batching.ts); the toolbar
  // and panels follow them once per task, after whatever else that task dispatched. (Asking for an
  // animation frame here, inside the frame's callback right after the redraw, cost Chromium about
  // half a millisecond a call: a third of the editor's own time with thirty delegations typing.)
  let pending = false
  const updated = (view: EditorView, remote: boolean) => {
    if (!remote) {
      pending = false
      opts.onUpdate(view)
    } else if (!pending) {
      pending = true
      queueMicrotask(() => { if (pending && !view.isDestroyed) { pending = false; opts.onUpdate(view) } })
    }
  }
  return new EditorView(mount, {
    state,
    editable,
    attributes: {
      role: 'textbox',
      'aria-multiline': 'true',
      'aria-label': opts.ariaLabel,
      class: 'podium-text',
      spellcheck: 'true',
      ...(opts.canEdit ? {} : { 'aria-readonly': 'true' })
    },
    nodeViews: {
      delegation_mark: (node) => positionView(node, lookup),
      note: (node) => noteView(node, lookup),
      footnote: (node) => footnoteView(node)
    },
    clipboardTextSerializer: (slice) => sliceToPodium(slice),
    clipboardTextParser: (text) => podiumToSlice(text, opts.roster),
    handlePaste: (v, event) => (editable() ? handlePodiumPaste(opts.roster, opts.trust?.notify)(v, event) : false),
    // `this`, not a captured variable: y-prosemirror dispatches while the view is being constructed.
    dispatchTransaction(this: EditorView, tr) {
      this.updateState(this.state.apply(tr))
      updated(this, (tr.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean } | undefined)?.isChangeOrigin === true)
    }
  })
}
