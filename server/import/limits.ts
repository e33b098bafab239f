// How big an import may be. The file size is checked before anything is parsed or unzipped; the rest
// are counted as the bytes come out of the zip and as the XML is read (never taken from headers).

/** The largest file an import accepts: 20 MB (a podium version is tens of kilobytes). */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024

/** The largest uncompressed entry a DOCX import inflates (word/document.xml or any other part). */
export const MAX_DOCUMENT_XML_BYTES = 100 * 1024 * 1024

/** Bounds on reading a zip: counted on the inflated bytes as they come out. */
export interface ZipLimits {
  /** Bytes of one entry, once inflated. */
  entryBytes: number
  /** Bytes of every entry read, once inflated. */
  totalBytes: number
  /** Entries in the archive (every local header counts, read or not). */
  entries: number
  /** Milliseconds for the whole read. */
  ms: number
}

/** The bounds of a DOCX import's zip. */
export const ZIP_LIMITS: ZipLimits = {
  entryBytes: MAX_DOCUMENT_XML_BYTES,
  totalBytes: 200 * 1024 * 1024,
  entries: 5000,
  ms: 20_000
}

/** Bounds on every XML part: element nesting, elements in a part, and attributes on one element. */
export const XML_LIMITS = { depth: 256, elements: 5_000_000, attributes: 256 }
