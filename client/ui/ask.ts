import { h } from './dom.ts'

/**
 * Asks for one line of text in a modal dialog (keyboard: Enter confirms, Escape cancels).
 * Resolves with the text, or null when cancelled.
 */
export function ask(title: string, label: string, initial: string): Promise<string | null> {
  return new Promise((resolve) => {
    const input = h('input', { type: 'text', id: 'ask-input', value: initial, autocomplete: 'off' })
    const form = h('form', { method: 'dialog' },
      h('h2', { id: 'ask-title' }, title),
      h('label', { for: 'ask-input' }, label),
      input,
      h('div', { class: 'dialog-buttons' },
        h('button', { type: 'submit', value: 'ok', class: 'primary' }, 'OK'),
        h('button', { type: 'button', value: 'cancel', onclick: () => dialog.close('cancel') }, 'Cancel')))
    const dialog = h('dialog', { class: 'ask', 'aria-labelledby': 'ask-title' }, form)
    form.addEventListener('submit', (e) => { e.preventDefault(); dialog.close('ok') })
    dialog.addEventListener('close', () => {
      const ok = dialog.returnValue === 'ok'
      dialog.remove()
      resolve(ok ? input.value : null)
    })
    document.body.append(dialog)
    dialog.showModal()
    input.select()
  })
}
