import type { Node } from 'prosemirror-model'
import { serializePodium } from '../../shared/format/index.ts'

/** The podium text of `doc`: lossless for everything podium text can express (docs/format.md). */
export function exportText(doc: Node): string {
  return serializePodium(doc)
}
