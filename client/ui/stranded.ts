import { serializePodium } from '../../shared/format/index.ts'
import { readDocFromY } from '../../shared/ydoc.ts'
import type { Connection } from '../sync/connection.ts'
import { saveBlob } from '../transfer/download.ts'
import { h } from './dom.ts'

/**
 * Says, in a modal dialog, that this tab's unsent edits are larger than the server takes in one
 * message (it closed the link 1009), and offers the two ways out: save this tab's version of the
 * text as a file (so nothing is lost), then start again from the server's text.
 */
export function showStranded(connection: Connection, docName: string): void {
  const save = h('button', {
    type: 'button', class: 'primary',
    onclick: () => saveBlob(new Blob([serializePodium(readDocFromY(connection.ydoc))], { type: 'text/plain;charset=utf-8' }), `${docName}-my-version.txt`)
  }, 'Save my version as a file')
  const again = h('button', { type: 'button', onclick: () => void connection.startAgain() }, 'Start again from the server’s text')
  const dialog = h('dialog', { class: 'confirm stranded', 'aria-labelledby': 'stranded-title', 'aria-describedby': 'stranded-message' },
    h('h2', { id: 'stranded-title' }, 'Your edits cannot be sent'),
    h('p', { id: 'stranded-message' }, `The edits this tab made while it was not connected (${Math.round(connection.unsentBytes / 1024)} KB) are larger than the server takes in one message, so they have not reached anyone. Save your version as a file to keep it, then start again from the server’s text; the secretariat can import what you saved.`),
    h('div', { class: 'dialog-buttons' }, save, again))
  document.body.append(dialog)
  dialog.showModal()
  save.focus()
}
