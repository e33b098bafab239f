// A separate process racing others on one meeting (run by the contract tests through bin/run-ts.js):
// waits until the wall clock reaches START (ms), then does one thing and prints its outcome as JSON.
//   racer.ts SPEC_JSON lease DOC HOLDER START   -> the Lease or null
//   racer.ts SPEC_JSON cob DOC DATE START       -> the snapshot id or null

import { openStorage } from '../../server/storage/open.ts'

const [specJson, what, doc, arg, start] = process.argv.slice(2)
const storage = openStorage(JSON.parse(specJson))
// Connected and ready; then all racers start at the same moment.
const wait = Number(start) - Date.now()
if (wait > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait)
let out: unknown
if (what === 'lease') {
  out = storage.acquireLease(doc, arg, 60_000)
} else {
  const last = storage.lastUpdateId(doc)
  out = storage.insertSnapshot({ doc, label: `COB ${arg} by ${process.pid}`, createdAt: new Date().toISOString(), takenBy: `racer ${process.pid}`, role: 'server', cobDate: arg, sha256: 'x'.repeat(64), upto: last, totals: { paragraphs: 0, open: 0, agreed: 0, brackets: 0, positions: 0, notes: 0 } as never, snapshot: new Uint8Array([0]), state: new Uint8Array([0, 0]) })
}
storage.close()
process.stdout.write(JSON.stringify(out) + '\n')
