import type { ImportSource } from '../session/types.ts'

/** Whether a file is a Word document (by its name; the server checks the bytes again). */
export function isWordFile(file: File): boolean {
  return /\.docx$/i.test(file.name) || file.type === 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
}

/** A chosen file as an import source: a Word file as bytes, anything else as text. */
export async function fileSource(file: File): Promise<ImportSource> {
  return isWordFile(file)
    ? { filename: file.name, data: new Uint8Array(await file.arrayBuffer()) }
    : { filename: file.name, text: await file.text() }
}
