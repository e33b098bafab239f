// A V8 CPU profile (CDP Profiler.stop) summed up: self time per function, the largest first.

/** The parts of a V8 CPU profile this reads. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[]
  samples: number[]
  timeDeltas: number[]
}

/** The `top` functions by self time (ms, share of the sampled time), one per line. */
export function summariseProfile(profile: CpuProfile, top = 20): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const self = new Map<string, number>()
  let total = 0
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i])
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000
    if (!node) continue
    const f = node.callFrame
    const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\//, '')}:${f.lineNumber + 1}`
    self.set(key, (self.get(key) ?? 0) + dt)
    total += dt
  }
  const idle = (self.get('(idle) :0') ?? 0)
  const busy = total - idle
  return [...self.entries()].filter(([k]) => k !== '(idle) :0').sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([k, ms]) => `${ms.toFixed(0).padStart(7)} ms ${(100 * ms / busy).toFixed(1).padStart(5)} %  ${k}`)
    .join('\n') + `\n(busy ${busy.toFixed(0)} ms of ${total.toFixed(0)} ms sampled)`
}
