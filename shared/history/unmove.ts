import { commonElements } from './diff-chars.ts'
import type { RedlineBlock, RedlineInline, RedlineText } from './types.ts'
import { sameProposal } from './redline.ts'

// Bracketing a phrase, or putting a position in the middle of a sentence, makes y-prosemirror delete the
// words after that point and insert them again. In a redline that reads as if the whole rest of the
// paragraph was rewritten. This pass finds, within each block, removed and added text that is the same
// words, and shows those words as unchanged: what remains marked is what a reader would call the change.

interface Slot { run: RedlineText; from: number }

function collect(content: RedlineInline[], removed: Slot[], added: Slot[], lens: { r: number; a: number }) {
  for (const c of content) {
    if (c.type === 'text') {
      if (c.change === 'removed') { removed.push({ run: c, from: lens.r }); lens.r += c.text.length }
      if (c.change === 'added') { added.push({ run: c, from: lens.a }); lens.a += c.text.length }
    } else if (c.type === 'bracket') {
      collect(c.content, removed, added, lens)
    }
  }
}

type Proposal = RedlineText['proposal']

// Splits a run into pieces of equal `keep` value; kept (common) pieces become `same`, others keep their change.
// A kept piece of re-inserted text takes the proposed deletion of the words it re-inserts (`moved`):
// re-inserting struck words sets the mark anew, which is not a new proposal.
function split(run: RedlineText, flags: boolean[], from: number, common: 'same' | 'drop', moved?: Proposal[]): RedlineText[] {
  const out: RedlineText[] = []
  let start = 0
  const key = (i: number) => `${flags[from + i]}|${flags[from + i] && moved ? JSON.stringify(moved[from + i] ?? null) : ''}`
  for (let i = 1; i <= run.text.length; i++) {
    if (i === run.text.length || key(i) !== key(start)) {
      const text = run.text.slice(start, i)
      if (flags[from + start]) {
        if (common === 'same') {
          const { proposal: _old, ...rest } = run
          const proposal = moved ? moved[from + start] : run.proposal
          out.push({ ...rest, text, change: 'same', by: null, ...(proposal ? { proposal } : {}) })
        }
      } else out.push({ ...run, text })
      start = i
    }
  }
  return out
}

function rebuild(content: RedlineInline[], plan: Map<RedlineText, RedlineText[]>): RedlineInline[] {
  const out: RedlineInline[] = []
  for (const c of content) {
    if (c.type === 'text') {
      const pieces = plan.get(c) ?? [c]
      for (const p of pieces) {
        const last = out[out.length - 1]
        if (last && last.type === 'text' && last.change === p.change && last.by === p.by && last.marks.join() === p.marks.join() && sameProposal(last.proposal, p.proposal)) {
          out[out.length - 1] = { ...last, text: last.text + p.text }
        } else out.push(p)
      }
    } else if (c.type === 'bracket') {
      out.push({ ...c, content: rebuild(c.content, plan) })
    } else out.push(c)
  }
  return out
}

/** Shows text that was only deleted and re-inserted (with the same marks) as unchanged, block by block. */
export function unmove(blocks: RedlineBlock[]): RedlineBlock[] {
  return blocks.map((block) => {
    if (block.change !== 'same') return block
    const removed: Slot[] = []
    const added: Slot[] = []
    collect(block.content, removed, added, { r: 0, a: 0 })
    if (removed.length === 0 || added.length === 0) return block
    // Characters (UTF-16 units) compare with their marks, so words newly proposed for deletion stay a change.
    const ids = new Map<string, number>()
    const id = (t: string) => ids.get(t) ?? ids.set(t, ids.size).get(t)!
    const units = (slots: Slot[]) => slots.flatMap((x) => x.run.text.split('').map((ch) => id(ch + '\u0000' + x.run.marks.join(','))))
    const { inA, inB } = commonElements(units(removed), units(added))
    // The k-th common character of the added text is the k-th common one of the removed text.
    const removedProposals = removed.flatMap((x) => x.run.text.split('').map(() => x.run.proposal))
    const commonA = removedProposals.filter((_, i) => inA[i])
    const moved: Proposal[] = []
    let k = 0
    for (let i = 0; i < inB.length; i++) moved.push(inB[i] ? commonA[k++] : undefined)
    const plan = new Map<RedlineText, RedlineText[]>()
    for (const s of removed) plan.set(s.run, split(s.run, inA, s.from, 'drop'))
    for (const s of added) plan.set(s.run, split(s.run, inB, s.from, 'same', moved))
    return { ...block, content: rebuild(block.content, plan) }
  })
}
