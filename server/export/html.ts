import type { Node } from 'prosemirror-model'
import { renderHtml } from '../../shared/render/index.ts'
import { asOfLine, footerLine, type ExportMeta } from './meta.ts'

/**
 * The print-ready HTML page of `doc` (A4, numbered pages, the label and hash in every page's
 * footer): shared/render's page with the title, the "as of" line and the footer of `meta`.
 */
export function exportHtml(doc: Node, meta: ExportMeta): string {
  if (!meta || typeof meta.title !== 'string') throw new RangeError(`exportHtml: meta.title ${JSON.stringify(meta?.title)} is not a string`)
  const subtitle = [asOfLine(meta), meta.hash ? `hash ${meta.hash}` : ''].filter(Boolean).join(' · ')
  return renderHtml(doc, { title: meta.title, subtitle, footer: footerLine(meta), roster: meta.roster, header: meta.header })
}
