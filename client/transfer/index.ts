// Documents out (export menu, downloads) and in (import with preview).
export { exportMenu, EXPORT_FORMATS, type ExportMenuOptions } from './export-menu.ts'
export { saveBlob } from './download.ts'
export { openImportDialog, type ImportDialogOptions } from './import-dialog.ts'
export { fileSource, isWordFile } from './read-file.ts'
