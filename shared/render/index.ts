// Renderings of a podium version for people: HTML for reading and printing.
export { renderHtml } from './html.ts'
export type { HtmlOptions } from './html.ts'
export { escapeHtml } from './escape.ts'
