// Hocuspocus with its SQLite extension on a file in a fresh directory, the bench documents
// written to that file beforehand as the extension stores them (one merged state per document).
// It stores on its default debounce (2 s, at most 10 s), not before each broadcast.

import { join } from 'node:path'
import Database from 'better-sqlite3'
import * as Y from 'yjs'
import { Server } from '@hocuspocus/server'
import { SQLite, schema, upsertQuery } from '@hocuspocus/extension-sqlite'
import { announce, childSettings, readUpdates } from './child.ts'

const settings = childSettings()
const file = join(settings.dataDir, 'hocuspocus.sqlite')
const db = new Database(file)
db.exec(schema)
const put = db.prepare(upsertQuery)
put.run({ name: 'bench', data: Buffer.from(Y.mergeUpdates(readUpdates(settings.seedFile))) })
if (settings.historyFile) {
  const doc = new Y.Doc()
  doc.transact(() => { for (const u of readUpdates(settings.historyFile!)) Y.applyUpdate(doc, u) })
  put.run({ name: 'history', data: Buffer.from(Y.encodeStateAsUpdate(doc)) })
}
db.close()

const server = new Server({
  port: 0,
  address: '127.0.0.1',
  quiet: true,
  extensions: [new SQLite({ database: file })]
})
await server.listen()
announce({ port: server.address.port }, () => server.destroy())
