import type { Clock } from '../../server/snapshots/scheduler.ts'

/** A clock for tests: time moves only when `advanceTo`/`advance` is called, firing due timers in order. */
export class FakeClock implements Clock {
  private timers: { at: number; fn: () => void; id: number }[] = []
  private nextId = 1
  constructor(private t: number) {}
  now(): number { return this.t }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++
    this.timers.push({ at: this.t + ms, fn, id })
    return id
  }
  clearTimeout(handle: unknown): void { this.timers = this.timers.filter((x) => x.id !== handle) }
  /** Moves time to `target`, running every timer due on the way (bounded, so a busy loop fails the test). */
  advanceTo(target: number): void {
    for (let guard = 0; guard < 100_000; guard++) {
      this.timers.sort((a, b) => a.at - b.at)
      const next = this.timers[0]
      if (!next || next.at > target) { this.t = target; return }
      this.timers.shift()
      this.t = Math.max(this.t, next.at)
      next.fn()
    }
    throw new Error('FakeClock: too many timers fired')
  }
  advance(ms: number): void { this.advanceTo(this.t + ms) }
  get pending(): number { return this.timers.length }
}
