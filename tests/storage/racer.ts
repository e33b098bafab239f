// A separate process racing others on one meeting (run by the contract tests through bin/run-ts.js):
// opens the storage, says `ready` on standard error, waits until its standard input is closed (the
// parent closes every racer's at once), then does one thing and prints its outcome as JSON.
//   racer.ts SPEC_JSON lease DOC HOLDER   -> the Lease or null
//   racer.ts SPEC_JSON cob DOC DATE       -> the snapshot id or null
//   racer.ts SPEC_JSON open - -            -> opens only after the go (migrations racing), then the document list
//   racer.ts SPEC_JSON big DOC MB[:DATE]   -> the id (or null) of a snapshot of MB megabytes (pieces on SQLite), a COB of DATE if given

import { readFileSync } from 'node:fs'
import { openStorage } from '../../server/storage/open.ts'

const [specJson, what, doc, arg] = process.argv.slice(2)
const early = what === 'open' ? null : openStorage(JSON.parse(specJson))
// Connected (the first call opens the pool) and ready; then all racers go at the same moment.
early?.getDoc(doc)
process.stderr.write('ready\n')
readFileSync(0)
const storage = early ?? openStorage(JSON.parse(specJson))
let out: unknown
if (what === 'open') {
  out = storage.listDocs().map((d) => d.name)
} else if (what === 'lease') {
  out = storage.acquireLease(doc, arg, 60_000)
} else if (what === 'big') {
  const [mb, cobDate] = arg.split(':')
  const bytes = Math.round(Number(mb) * 1024 * 1024)
  const fill = (n: number, seed: number) => {
    const a = new Uint8Array(n)
    for (let i = 0; i < n; i++) a[i] = (i * 31 + seed + process.pid) & 0xff
    return a
  }
  out = storage.insertSnapshot({ doc, label: `big by ${process.pid}`, createdAt: new Date().toISOString(), takenBy: `racer ${process.pid}`, role: 'server', cobDate: cobDate ?? null, sha256: 'x'.repeat(64), upto: storage.lastUpdateId(doc), totals: { paragraphs: 0, open: 0, agreed: 0, brackets: 0, positions: 0, notes: 0 } as never, snapshot: fill(bytes >> 2, 1), state: fill(bytes - (bytes >> 2), 2) })
} else {
  const last = storage.lastUpdateId(doc)
  out = storage.insertSnapshot({ doc, label: `COB ${arg} by ${process.pid}`, createdAt: new Date().toISOString(), takenBy: `racer ${process.pid}`, role: 'server', cobDate: arg, sha256: 'x'.repeat(64), upto: last, totals: { paragraphs: 0, open: 0, agreed: 0, brackets: 0, positions: 0, notes: 0 } as never, snapshot: new Uint8Array([0]), state: new Uint8Array([0, 0]) })
}
storage.close()
process.stdout.write(JSON.stringify(out) + '\n')
