// The documents every server under test starts from: the seed's podium version repeated to about
// 60 KB, and the same document with a long edit history (for the join benchmark).

import { readFileSync } from 'node:fs'
import * as Y from 'yjs'
import { parsePodium, serializePodium } from '../../shared/format/index.ts'
import { FRAGMENT_NAME, newYDoc, writeDocToY } from '../../shared/ydoc.ts'

/** Podium text of about `bytes` bytes: whole blocks of the seed's podium version, repeated. */
export function seedText(bytes = 60_000): string {
  const seed = readFileSync(new URL('../../fixtures/seed.txt', import.meta.url), 'utf8')
  const blocks = serializePodium(parsePodium(seed).doc).split(/\n{2,}/).filter((b) => b.trim())
  const out: string[] = []
  let size = 0
  for (let i = 0; size < bytes; i = (i + 1) % blocks.length) {
    out.push(blocks[i])
    size += Buffer.byteLength(blocks[i]) + 2
  }
  return out.join('\n\n')
}

/** The seed document as one Yjs update (gc off, as Podium keeps it). */
export function seedUpdate(bytes = 60_000): Uint8Array {
  const ydoc = newYDoc()
  writeDocToY(parsePodium(seedText(bytes)).doc, ydoc)
  const update = Y.encodeStateAsUpdate(ydoc)
  ydoc.destroy()
  return update
}

/** Every XmlText inside the fragment's blocks (direct children and inside brackets), for picking edit spots. */
export function textNodes(ydoc: Y.Doc): Y.XmlText[] {
  const out: Y.XmlText[] = []
  const walk = (el: Y.XmlElement | Y.XmlFragment): void => {
    for (const child of el.toArray()) {
      if (child instanceof Y.XmlText) out.push(child)
      else if (child instanceof Y.XmlElement) walk(child)
    }
  }
  walk(ydoc.getXmlFragment(FRAGMENT_NAME))
  return out
}

/**
 * `count` small edits on top of the seed, as single updates in order (the first is the seed
 * itself). Writers change every 250 edits, as delegations take turns. Deterministic for a given `rand`.
 */
export function historyUpdates(count: number, rand: () => number = Math.random): Uint8Array[] {
  const ydoc = newYDoc()
  const updates: Uint8Array[] = [seedUpdate()]
  Y.applyUpdate(ydoc, updates[0])
  ydoc.on('update', (u: Uint8Array) => updates.push(u))
  const texts = textNodes(ydoc)
  for (let i = 0; i < count; i++) {
    // A new writer: a fresh client ID, as another delegation's browser would have.
    if (i % 250 === 0) ydoc.clientID = Math.floor(rand() * 0x7fffffff)
    const t = texts[Math.floor(rand() * texts.length)]
    const len = t.length
    if (len > 20 && rand() < 0.3) t.delete(Math.floor(rand() * (len - 3)), 1 + Math.floor(rand() * 3))
    else t.insert(Math.floor(rand() * (len + 1)), rand() < 0.1 ? '[' : 'abcdefghij'[Math.floor(rand() * 10)])
  }
  ydoc.destroy()
  return updates
}

/** Writes updates to one buffer: each as a 4-byte big-endian length and its bytes. */
export function packUpdates(updates: Uint8Array[]): Buffer {
  const parts: Buffer[] = []
  for (const u of updates) {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(u.byteLength)
    parts.push(len, Buffer.from(u.buffer, u.byteOffset, u.byteLength))
  }
  return Buffer.concat(parts)
}

/** Reads what packUpdates wrote. */
export function unpackUpdates(buf: Buffer): Uint8Array[] {
  const out: Uint8Array[] = []
  for (let at = 0; at < buf.length;) {
    const len = buf.readUInt32BE(at)
    out.push(new Uint8Array(buf.buffer, buf.byteOffset + at + 4, len))
    at += 4 + len
  }
  return out
}
