import { configDefaults, defineConfig } from 'vitest/config'

// The tests whose assertions are timings under load (issue 12): run alone, after the rest (see test.projects).
const TIMING = ['tests/server/resilience-*.test.ts', 'tests/cluster/failover.test.ts']

// The browser client is built from client/ into dist/client, which `podium serve` serves.
// yjs is deduplicated so the bundle holds exactly one copy (two copies break instanceof checks).
export default defineConfig({
  root: 'client',
  resolve: { dedupe: ['yjs'] },
  build: { outDir: '../dist/client', emptyOutDir: true },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:1234',
      '/sync': { target: 'ws://127.0.0.1:1234', ws: true }
    }
  },
  test: {
    root: '.',
    testTimeout: 30000,
    hookTimeout: 30000,
    // Two projects. The timing tests (a live edit's round trip measured while an attack runs, a
    // failover's resume time) run after everything else, one file at a time, so that nothing else of
    // the suite shares the machine's cores with them; the rest runs first, files in parallel.
    projects: [
      {
        extends: true,
        test: { name: 'suite', include: ['tests/**/*.test.ts'], exclude: [...configDefaults.exclude, ...TIMING], sequence: { groupOrder: 0 } }
      },
      {
        extends: true,
        test: { name: 'timing', include: TIMING, fileParallelism: false, sequence: { groupOrder: 1 } }
      }
    ]
  }
})
