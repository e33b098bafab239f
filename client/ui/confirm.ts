import { h } from './dom.ts'

/**
 * Asks a yes/no question in a modal dialog: `message` says what will happen, `confirmLabel` names the
 * act ("Restore"). Resolves true when confirmed, false when cancelled (Escape, Cancel). Cancel has the focus.
 */
export function confirmDialog(title: string, message: string, confirmLabel: string): Promise<boolean> {
  return new Promise((resolve) => {
    const cancel = h('button', { type: 'button', onclick: () => dialog.close('cancel') }, 'Cancel')
    const dialog = h('dialog', { class: 'confirm', 'aria-labelledby': 'confirm-title', 'aria-describedby': 'confirm-message' },
      h('h2', { id: 'confirm-title' }, title),
      h('p', { id: 'confirm-message' }, message),
      h('div', { class: 'dialog-buttons' },
        h('button', { type: 'button', class: 'primary', onclick: () => dialog.close('ok') }, confirmLabel),
        cancel))
    dialog.addEventListener('close', () => {
      dialog.remove()
      resolve(dialog.returnValue === 'ok')
    })
    document.body.append(dialog)
    dialog.showModal()
    // The safe answer is the default: Enter on an unread dialog must not restore or replace anything.
    cancel.focus()
  })
}
