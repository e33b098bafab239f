// The document list (GET /api/docs) without blocking the sync loop: each document's counts and stored
// size are computed in a worker thread and cached by the document's head (the id of its newest
// update), so meeting homes polling the list cost one SQL query each until something changes.

import type { RosterEntry } from '../../shared/roster.ts'
import type { WorkPool } from '../work/pool.ts'
import type { DocCounts } from '../work/jobs.ts'

/** What the list needs from storage: every document's head in one query. */
export interface DocHeads {
  docHeads(): Map<string, number>
}

/** Counts and sizes by document, recomputed only for documents whose head moved. */
export class DocList {
  private readonly cache = new Map<string, { head: number; counts: DocCounts }>()
  // One computation at a time: homes polling together wait for the same answer.
  private pending: Promise<void> | null = null

  constructor (private readonly storage: DocHeads, private readonly work: WorkPool, private readonly roster: readonly RosterEntry[], private readonly flush: (name: string) => void) {}

  /** Counts of `names` (each current as of this call), computing the stale ones in a worker for `key` (a token id). */
  async counts(names: string[], key: string): Promise<Map<string, DocCounts>> {
    while (this.pending) await this.pending
    const heads = this.storage.docHeads()
    const stale = names.filter((n) => this.cache.get(n)?.head !== (heads.get(n) ?? 0))
    if (stale.length > 0) {
      for (const n of stale) this.flush(n)
      // Heads read after the flush: what the worker reads is at least this (a later edit makes it stale again).
      const after = this.storage.docHeads()
      this.pending = this.work.run('counts', { docs: stale, roster: [...this.roster] }, key).then((reply) => {
        for (const c of reply.json as DocCounts[]) this.cache.set(c.name, { head: after.get(c.name) ?? 0, counts: c })
      }).finally(() => { this.pending = null })
      await this.pending
    }
    const out = new Map<string, DocCounts>()
    for (const n of names) {
      const c = this.cache.get(n)
      if (c) out.set(n, c.counts)
    }
    return out
  }

  /** Forgets a document (renamed or removed). */
  forget(name: string): void {
    this.cache.delete(name)
  }
}
