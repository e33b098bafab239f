// The appending worker of snapshot-lock.ts: TypeScript through tsx, as server/work/entry.mjs does.
import { register } from 'tsx/esm/api'

register()
await import('./snapshot-lock.ts')
