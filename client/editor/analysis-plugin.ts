import { Plugin, PluginKey, type EditorState } from 'prosemirror-state'
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

function build(state: EditorState, analyser: IncrementalAnalyser): AnalysisState {
  // Only blocks the change brought are read again (a remote update replaces the document, but keeps
  // the nodes of blocks it did not touch): shared/analysis/incremental.ts.
  const analysis = analyser.analyse(state.doc)
  const decos: Decoration[] = []
  for (const p of analysis.paragraphs) {
    if (p.kind !== 'paragraph') continue
    // The gutter is drawn by CSS from these attributes, outside the text column: no layout shift.
    decos.push(Decoration.node(p.from, p.to, {
      'data-label': p.ref ?? p.label ?? '',
      'data-status': p.status,
      ...(p.adref ? { 'data-label': `${p.ref ?? p.label ?? ''} · ad ref`, title: 'Agreed ad ref: only the chair or the secretariat can reopen it' } : {}),
      class: `pm-block pm-${p.status}${p.adref ? ' pm-adref' : ''}`
    }))
    for (const b of p.brackets) decos.push(Decoration.node(b.from, b.to, { 'data-depth': String(b.depth) }))
  }
  return { analysis, decorations: DecorationSet.create(state.doc, decos) }
}

/**
 * Runs the shared analysis after every change and decorates each paragraph with its label and status
 * (agreed / open) for the gutter, and each bracket with its depth for shading.
 */
export function analysisPlugin(roster: readonly RosterEntry[]): Plugin<AnalysisState> {
  const analyser = incrementalAnalyser(roster)
  return new Plugin<AnalysisState>({
    key: analysisKey,
    state: {
      init: (_config, state) => build(state, analyser),
      apply: (tr, prev, _old, state) => (tr.docChanged ? build(state, analyser) : prev)
    },
    props: {
      decorations: (state) => analysisKey.getState(state)?.decorations
    }
  })
}

/** The current analysis of an editor state (the plugin must be installed). */
export function analysisOf(state: EditorState): Analysis {
  const s = analysisKey.getState(state)
  if (!s) throw new Error('analysisPlugin is not installed')
  return s.analysis
}
