import type { Node } from 'prosemirror-model'
import { Plugin, PluginKey, type EditorState, type Transaction } from 'prosemirror-state'
import { Decoration, DecorationSet } from 'prosemirror-view'
import { incrementalAnalyser, type Analysis, type IncrementalAnalyser } from '../../shared/analysis/index.ts'
import type { RosterEntry } from '../../shared/roster.ts'

/** Key of the analysis plugin; `analysisKey.getState(state)` gives the current analysis. */
export const analysisKey = new PluginKey<AnalysisState>('podium-analysis')

/** The analysis of the current document and the gutter decorations drawn from it. */
export interface AnalysisState {
  analysis: Analysis
  decorations: DecorationSet
}

// A paragraph's gutter decoration, kept while the paragraph, its place and what it shows stay the same.
type Gutter = { from: number; label: string; status: string; adref: boolean; deco: Decoration }

function build(state: EditorState, analyser: IncrementalAnalyser, gutters: WeakMap<Node, Gutter>): AnalysisState {
  // Only blocks the change brought are read again (a remote update replaces the document, but keeps
  // the nodes of blocks it did not touch): shared/analysis/incremental.ts.
  const analysis = analyser.analyse(state.doc)
  const decos: Decoration[] = []
  analysis.paragraphs.forEach((p, i) => {
    if (p.kind !== 'paragraph') return
    const block = state.doc.child(i)
    const label = p.ref ?? p.label ?? ''
    const kept = gutters.get(block)
    if (kept && kept.from === p.from && kept.label === label && kept.status === p.status && kept.adref === p.adref) {
      decos.push(kept.deco)
      return
    }
    // The gutter is drawn by CSS from these attributes, outside the text column: no layout shift.
    const deco = Decoration.node(p.from, p.to, {
      'data-label': label,
      'data-status': p.status,
      ...(p.adref ? { 'data-label': `${label} · ad ref`, title: 'Agreed ad ref: only the chair or the secretariat can reopen it' } : {}),
      class: `pm-block pm-${p.status}${p.adref ? ' pm-adref' : ''}`
    })
    gutters.set(block, { from: p.from, label, status: p.status, adref: p.adref, deco })
    decos.push(deco)
  })
  return { analysis, decorations: DecorationSet.create(state.doc, decos) }
}

/**
 * Runs the shared analysis after every change and decorates each paragraph with its label and status
 * (agreed / open) for the gutter. Brackets are shaded by depth in CSS, from their nesting.
 */
export function analysisPlugin(roster: readonly RosterEntry[]): Plugin<AnalysisState> {
  const analyser = incrementalAnalyser(roster)
  const gutters = new WeakMap<Node, Gutter>()
  return new Plugin<AnalysisState>({
    key: analysisKey,
    state: {
      init: (_config, state) => build(state, analyser, gutters),
      apply: (tr, prev, _old, state) => (tr.docChanged || tr.getMeta(analysisKey) === ROSTER_CHANGED ? build(state, analyser, gutters) : prev)
    },
    props: {
      decorations: (state) => analysisKey.getState(state)?.decorations
    }
  })
}

const ROSTER_CHANGED = 'roster-changed'

/**
 * A transaction that has the analysis read the roster again (the array given to `analysisPlugin`,
 * changed in place): counts by delegation and aliases follow a roster edited during the meeting
 * without waiting for the next change of text.
 */
export function rosterChangedTransaction(state: EditorState): Transaction {
  return state.tr.setMeta(analysisKey, ROSTER_CHANGED)
}

/** The current analysis of an editor state (the plugin must be installed). */
export function analysisOf(state: EditorState): Analysis {
  const s = analysisKey.getState(state)
  if (!s) throw new Error('analysisPlugin is not installed')
  return s.analysis
}
