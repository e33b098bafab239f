// The PostgreSQL storage worker thread's entry point: TypeScript through tsx, then the worker.
import { register } from 'tsx/esm/api'

register()
await import('./worker.ts')
