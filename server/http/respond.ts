// Small HTTP helpers: replies as values, JSON bodies read with a size bound.

import type { IncomingMessage, ServerResponse } from 'node:http'

/** A handler's answer: a status and a JSON value, a text or binary body, or nothing (204). */
export interface Reply {
  status: number
  json?: unknown
  text?: string
  /** A binary body (a DOCX, a PDF); sent with `contentType`. */
  bytes?: Buffer
  contentType?: string
  /** Extra headers, e.g. Content-Disposition for downloads. */
  headers?: Record<string, string>
}

/** A JSON error reply `{error}`. */
export function error(status: number, message: string): Reply {
  return { status, json: { error: message } }
}

/** Writes a Reply to the response. */
export function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { 'cache-control': 'no-store', ...reply.headers }
  let body: string | Buffer | undefined
  if (reply.bytes !== undefined) {
    headers['content-type'] = reply.contentType ?? 'application/octet-stream'
    body = reply.bytes
  } else if (reply.json !== undefined) {
    headers['content-type'] = 'application/json; charset=utf-8'
    body = JSON.stringify(reply.json)
  } else if (reply.text !== undefined) {
    headers['content-type'] = reply.contentType ?? 'text/plain; charset=utf-8'
    body = reply.text
  }
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body))
  res.writeHead(reply.status, headers)
  res.end(body)
}

/** The outcome of reading a request body: its parsed JSON (undefined when empty) or the error reply. */
export type BodyResult = { ok: true; value: unknown } | { ok: false; reply: Reply }

/** Reads and parses a JSON request body of at most `maxBytes`. */
export function readJson(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    const finish = (r: BodyResult) => {
      if (!done) {
        done = true
        resolve(r)
      }
    }
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      // Over the bound: answer now, keep discarding the rest so the reply can be read.
      if (size > maxBytes) finish({ ok: false, reply: error(413, `request body over ${maxBytes} bytes`) })
      else chunks.push(chunk)
    })
    req.on('error', () => finish({ ok: false, reply: error(400, 'request body could not be read') }))
    req.on('end', () => {
      if (done) return
      const text = Buffer.concat(chunks).toString('utf8')
      if (!text.trim()) return finish({ ok: true, value: undefined })
      try {
        finish({ ok: true, value: JSON.parse(text) })
      } catch {
        finish({ ok: false, reply: error(400, 'request body is not valid JSON') })
      }
    })
  })
}
