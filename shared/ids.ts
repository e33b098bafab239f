// Block ids: stable, unique, never printed. Diffs, locks and comments refer to paragraphs by them.

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz'

/** A fresh random block id of 10 characters (about 51 bits), e.g. `p3k9x0a1bq`. */
export function newBlockId(): string {
  const bytes = new Uint8Array(10)
  globalThis.crypto.getRandomValues(bytes)
  let id = ''
  for (const b of bytes) id += ALPHABET[b % ALPHABET.length]
  return id
}

/** A deterministic id generator (`p1`, `p2`, …) for tests and reproducible imports. */
export function counterIds(prefix = 'p'): () => string {
  let n = 0
  return () => `${prefix}${++n}`
}
