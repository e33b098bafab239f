import { commonElements } from './diff-chars.ts'
import type { RedlineBlock, RedlineInline, RedlineText } from './types.ts'

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

// Splits a run into pieces of equal `keep` value; kept (common) pieces become `same`, others keep their change.
function split(run: RedlineText, flags: boolean[], from: number, common: 'same' | 'drop'): RedlineText[] {
  const out: RedlineText[] = []
  let start = 0
  for (let i = 1; i <= run.text.length; i++) {
    if (i === run.text.length || flags[from + i] !== flags[from + start]) {
      const text = run.text.slice(start, i)
      if (flags[from + start]) {
        if (common === 'same') out.push({ ...run, text, change: 'same', by: null })
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
        if (last && last.type === 'text' && last.change === p.change && last.by === p.by && last.marks.join() === p.marks.join()) {
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
    const plan = new Map<RedlineText, RedlineText[]>()
    for (const s of removed) plan.set(s.run, split(s.run, inA, s.from, 'drop'))
    for (const s of added) plan.set(s.run, split(s.run, inB, s.from, 'same'))
    return { ...block, content: rebuild(block.content, plan) }
  })
}
