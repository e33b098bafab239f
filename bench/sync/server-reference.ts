// The reference server: @y/websocket-server 0.1.1's setupWSConnection behind a plain HTTP server,
// as its own bin does it, with the bench documents loaded into its in-memory docs beforehand.
// It persists nothing (no YPERSISTENCE) and keeps its default gc.

import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer } from 'ws'
import * as Y from 'yjs'
import { docs, getYDoc, setupWSConnection } from '@y/websocket-server/utils'
import { announce, childSettings, readUpdates } from './child.ts'

const settings = childSettings()
const load = (name: string, file: string) => {
  const doc = getYDoc(name) as Y.Doc
  doc.transact(() => { for (const u of readUpdates(file)) Y.applyUpdate(doc, u) })
}
load('bench', settings.seedFile)
if (settings.historyFile) load('history', settings.historyFile)

const wss = new WebSocketServer({ noServer: true })
const server = createServer((_req, res) => { res.writeHead(200); res.end('ok') })
wss.on('connection', (conn, req) => setupWSConnection(conn, req))
server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)))
server.listen(0, '127.0.0.1', () => {
  announce({ port: (server.address() as AddressInfo).port, docs: (docs as Map<string, unknown>).size }, () => new Promise<void>((resolve) => {
    for (const ws of wss.clients) ws.terminate()
    server.close(() => resolve())
  }))
})
