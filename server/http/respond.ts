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

/** The outcome of reading a request body as bytes: the bytes, or the error reply. */
export type RawBodyResult = { ok: true; bytes: Buffer } | { ok: false; reply: Reply }

/** Reads a request body of at most `maxBytes` as it came, without decoding or parsing it. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<RawBodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    const finish = (r: RawBodyResult) => {
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
    req.on('end', () => finish({ ok: true, bytes: Buffer.concat(chunks) }))
  })
}

/**
 * Parses a JSON request body (undefined when empty or blank), or says why not. For small bodies on
 * the loop; a route taking files (`rawBody`) has its worker parse it.
 */
export function parseJsonBody(bytes: Uint8Array): BodyResult {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
  if (!text.trim()) return { ok: true, value: undefined }
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false, reply: error(400, 'request body is not valid JSON') }
  }
}

/** Reads and parses a JSON request body of at most `maxBytes`. */
export async function readJson(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const read = await readBody(req, maxBytes)
  return read.ok ? parseJsonBody(read.bytes) : read
}
