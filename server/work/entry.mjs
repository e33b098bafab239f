// A worker thread's entry point: TypeScript through tsx, as bin/podium.js does, then the job loop.
import { register } from 'tsx/esm/api'

register()
await import('./worker.ts')
