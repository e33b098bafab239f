// Why an import was refused. Returned as values: a bad file is an expected event, not a crash.

/** The reason codes of a refused import. */
export type ImportErrorCode = 'empty' | 'too-large' | 'not-zip' | 'not-docx' | 'unreadable' | 'not-text'

/** A refused import: a code for programs and one clear sentence for people. Nothing was written. */
export interface ImportError {
  ok: false
  code: ImportErrorCode
  message: string
}

/** Builds an ImportError. */
export function importError(code: ImportErrorCode, message: string): ImportError {
  return { ok: false, code, message }
}
