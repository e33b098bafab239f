// The editor's analysis follows a roster edited during the meeting (delegations and aliases added
// from the meeting home change the page's roster array in place): counts move at once, without
// waiting for the next change of text.

import { describe, expect, it } from 'vitest'
import { EditorState } from 'prosemirror-state'
import { analysisOf, analysisPlugin, rosterChangedTransaction } from '../../client/editor/analysis-plugin.ts'
import { parsePodium } from '../../shared/format/index.ts'
import type { RosterEntry } from '../../shared/roster.ts'

describe('analysis after a roster change', () => {
  it('counts positions under a delegation whose alias was added, from the roster-changed transaction on', () => {
    const roster: RosterEntry[] = [{ code: 'CHN', name: 'China', colour: '#cc0000' }]
    const doc = parsePodium('PP1. We [agree] (+KZ) (+CHN)\n').doc
    let state = EditorState.create({ doc, plugins: [analysisPlugin(roster)] })
    expect(analysisOf(state).delegations.KZ?.supports).toBe(1)
    expect(analysisOf(state).delegations.KAZ).toBeUndefined()

    // The secretariat adds KAZ with the alias KZ: the array changes in place, as followRoster does.
    roster.push({ code: 'KAZ', name: 'Kazakhstan', colour: '#00afca', aliases: ['KZ'] })
    const unchanged = state.apply(state.tr)
    expect(analysisOf(unchanged).delegations.KAZ).toBeUndefined()
    state = state.apply(rosterChangedTransaction(state))
    expect(analysisOf(state).delegations.KAZ).toMatchObject({ supports: 1, opposes: 0 })
    expect(analysisOf(state).delegations.KZ).toBeUndefined()
    expect(analysisOf(state).delegations.CHN?.supports).toBe(1)
  })
})
