// The built browser client (dist/client): files as they are, index.html for the app's own paths
// (`/`, `/d/<doc>`), and a clear 503 page when the client has not been built.

import { createReadStream, existsSync, statSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, join, normalize, sep } from 'node:path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json'
}

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Podium: client not built</title>
<body style="font-family:system-ui;max-width:40em;margin:4em auto"><h1>The Podium client has not been built</h1>
<p>The server is running, but there is no <code>dist/client</code> to serve. Run <code>npm run build</code>
(or start with <code>npm start</code>, which builds first), then reload this page.</p></body></html>`

function file(res: ServerResponse, path: string, method: string, cache: string): void {
  const size = statSync(path).size
  res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'content-length': size, 'cache-control': cache })
  if (method === 'HEAD') return void res.end()
  createReadStream(path).pipe(res)
}

/** Serves GET/HEAD requests for the client from `clientDir`. */
export function serveClient(req: IncomingMessage, res: ServerResponse, clientDir: string): void {
  const method = req.method ?? 'GET'
  if (method !== 'GET' && method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' })
    return void res.end()
  }
  const index = join(clientDir, 'index.html')
  if (!existsSync(index)) {
    res.writeHead(503, { 'content-type': 'text/html; charset=utf-8', 'retry-after': '30' })
    return void res.end(NOT_BUILT)
  }
  let pathname: string
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname)
  } catch {
    res.writeHead(400)
    return void res.end()
  }
  const candidate = normalize(join(clientDir, pathname))
  if ((candidate + sep).startsWith(normalize(clientDir) + sep) && existsSync(candidate) && statSync(candidate).isFile()) {
    // Vite names built assets by content hash, so they can be cached for good.
    return file(res, candidate, method, pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache')
  }
  // Paths without an extension are the app's own routes (/, /d/<doc>): the app decides.
  if (!extname(pathname)) return file(res, index, method, 'no-cache')
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
  res.end('not found')
}
