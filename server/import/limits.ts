// How big an import may be. Checked before anything is parsed or unzipped.

/** The largest file an import accepts: 20 MB (a podium version is tens of kilobytes). */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024

/** The largest uncompressed word/document.xml a DOCX import inflates (guards against zip bombs). */
export const MAX_DOCUMENT_XML_BYTES = 100 * 1024 * 1024
