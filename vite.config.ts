import { defineConfig } from 'vitest/config'

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
    include: ['tests/**/*.test.ts'],
    testTimeout: 30000,
    hookTimeout: 30000
  }
})
