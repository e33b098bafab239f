// Edits are never stranded: a change too large to reach the server in one message, or one more edit
// on top of an offline backlog that is already as large as one message may be, is stopped before it
// is applied locally, and the person is told why (shared/limits.ts names the bounds).

import { Plugin, PluginKey, type Transaction } from 'prosemirror-state'
import { ReplaceStep, ReplaceAroundStep } from 'prosemirror-transform'
import { ySyncPluginKey } from 'y-prosemirror'
import { CHANGE_MAX_CHARS, UNSENT_MAX_BYTES } from '../../shared/limits.ts'

/** Key of the size guard. */
export const sizeGuardKey = new PluginKey('podium-size-guard')

/** What the guard needs from the page. */
export interface SizeGuardOptions {
  /** Bytes of local edits not yet acknowledged by the server (0 while live). */
  unsentBytes: () => number
  notify: (message: string) => void
}

/** How many characters (and other nodes) a transaction inserts. */
export function insertedSize(tr: Transaction): number {
  let n = 0
  for (const step of tr.steps) {
    if (step instanceof ReplaceStep || step instanceof ReplaceAroundStep) n += (step as unknown as { slice: { size: number } }).slice.size
  }
  return n
}

/** Stops local changes that could not be sent: over CHANGE_MAX_CHARS, or on an unsent backlog over UNSENT_MAX_BYTES. */
export function sizeGuardPlugin(opts: SizeGuardOptions): Plugin {
  return new Plugin({
    key: sizeGuardKey,
    filterTransaction(tr) {
      if (!tr.docChanged || tr.getMeta(ySyncPluginKey) !== undefined) return true
      const size = insertedSize(tr)
      if (size > CHANGE_MAX_CHARS) {
        opts.notify(`This paste is too large to send (${size.toLocaleString('en')} characters; at most ${CHANGE_MAX_CHARS.toLocaleString('en')} at once). Paste it in parts, or ask the secretariat to import the file.`)
        return false
      }
      const unsent = opts.unsentBytes()
      if (unsent > UNSENT_MAX_BYTES && size > 0) {
        opts.notify(`You have ${Math.round(unsent / 1024)} KB of edits not yet sent. Nothing more can be added until the connection is back and they have reached the server.`)
        return false
      }
      return true
    }
  })
}
