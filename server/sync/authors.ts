// Whose words each Yjs item of a document holds: the identity that first wrote with the item's client
// id, unless the item is a moved copy of someone else's words (a bracket re-inserts what it wraps).

import type { Provenance } from '../../shared/trust/index.ts'

/** Authorship of a document's items, from its client owners and the provenance of moved words. */
export class Authors {
  // Per client, runs of moved words sorted by clock (appended in clock order as updates arrive).
  private readonly moved = new Map<number, Provenance[]>()

  /** `owners` maps client IDs to identities (kept by the room and updated as clients write). */
  constructor (private readonly owners: ReadonlyMap<number, string>, provenance: Iterable<Provenance> = []) {
    for (const p of provenance) this.add(p)
  }

  /** Records a run of moved words. */
  add(p: Provenance): void {
    const runs = this.moved.get(p.client)
    if (!runs) this.moved.set(p.client, [{ ...p }])
    else {
      runs.push({ ...p })
      if (runs.length > 1 && runs[runs.length - 2].clock > p.clock) runs.sort((a, b) => a.clock - b.clock)
    }
  }

  /** Forgets every run of moved words (the room reloads them from storage). */
  clear(): void {
    this.moved.clear()
  }

  /** The identity whose words item `client`/`clock` holds, or null when unknown. */
  of(client: number, clock: number): string | null {
    const runs = this.moved.get(client)
    if (runs) {
      let lo = 0
      let hi = runs.length - 1
      while (lo <= hi) {
        const mid = (lo + hi) >> 1
        const r = runs[mid]
        if (clock < r.clock) hi = mid - 1
        else if (clock >= r.clock + r.len) lo = mid + 1
        else return r.identity
      }
    }
    return this.owners.get(client) ?? null
  }
}
