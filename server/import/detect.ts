// Telling a DOCX from podium text: by the zip signature first, by the name's extension second.

/** What a file to import is: a Word document or podium text. */
export type ImportKind = 'text' | 'docx'

const ZIP_SIGNATURES = [[0x50, 0x4b, 0x03, 0x04], [0x50, 0x4b, 0x05, 0x06]]

/** True when `bytes` start with a zip signature (a local file header, or the end record of an empty zip). */
export function isZip(bytes: Uint8Array): boolean {
  return ZIP_SIGNATURES.some((sig) => bytes.length >= sig.length && sig.every((b, i) => bytes[i] === b))
}

/** The kind of an import: `docx` when the bytes are a zip or the name ends in .docx, else `text`. */
export function detectKind(bytes: Uint8Array, name: string): ImportKind {
  return isZip(bytes) || /\.docx$/i.test(name) ? 'docx' : 'text'
}
