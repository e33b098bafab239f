import { ACTIONS, keyLabel } from '../editor/actions.ts'
import { h } from './dom.ts'

/** The help panel: every command with its keys, and how the text is drawn. Opens as a modal dialog. */
export function openHelp(): void {
  const rows = ACTIONS.map((a) => h('tr', {},
    h('th', { scope: 'row' }, a.label),
    h('td', {}, ...a.keys.map((k, i) => [i ? ' or ' : '', h('kbd', {}, keyLabel(k))]).flat())))
  const dialog = h('dialog', { class: 'help', 'aria-labelledby': 'help-title' },
    h('h2', { id: 'help-title' }, 'Commands and keys'),
    h('table', {}, h('tbody', {}, ...rows,
      h('tr', {}, h('th', { scope: 'row' }, 'Move between toolbar buttons'), h('td', {}, h('kbd', {}, '←'), ' ', h('kbd', {}, '→'))),
      h('tr', {}, h('th', { scope: 'row' }, 'This help'), h('td', {}, h('kbd', {}, 'F1'))))),
    h('p', {}, 'Brackets are shaded deeper as they nest; the bracket at the cursor (or under the mouse) is outlined with its positions. ',
      'Positions show ', h('b', {}, '+'), ' (supports) or ', h('b', {}, '−'), ' (opposes) in the delegation\'s colour. ',
      'Struck words are proposed for deletion. The left margin shows each paragraph\'s label, green when agreed, amber while open.'),
    h('p', {}, 'Paste podium text (“[…] (+CHN) (IND: keep original)”) and it becomes brackets, positions and notes; copying gives podium text back.'),
    h('form', { method: 'dialog' }, h('button', { class: 'primary' }, 'Close')))
  dialog.addEventListener('close', () => dialog.remove())
  document.body.append(dialog)
  dialog.showModal()
}
