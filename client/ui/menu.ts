import { h } from './dom.ts'

/** One entry of a menu button. */
export interface MenuItem {
  label: string
  run(): void
}

/**
 * A menu button (ARIA menu pattern): the button opens a list of items drawn over the page (no layout
 * shift). Enter, Space or ↓ open it on the first item; ↑/↓, Home/End move; Escape closes back to the
 * button; a click outside or Tab closes it.
 */
export function menuButton(label: string, items: MenuItem[], attrs: { class?: string; 'aria-label'?: string } = {}): HTMLElement {
  const button = h('button', { type: 'button', class: `menu-button ${attrs.class ?? ''}`.trim(), 'aria-haspopup': 'menu', 'aria-expanded': 'false', 'aria-label': attrs['aria-label'] }, label, h('span', { 'aria-hidden': 'true', class: 'caret' }, ' ▾'))
  const entries = items.map((it) => h('li', { role: 'none' }, h('button', { type: 'button', role: 'menuitem', tabindex: '-1', onclick: () => { close(true); it.run() } }, it.label)))
  const list = h('ul', { role: 'menu', class: 'menu', hidden: true }, ...entries)
  const wrap = h('span', { class: 'menu-wrap' }, button, list)
  const buttons = () => [...list.querySelectorAll<HTMLButtonElement>('[role=menuitem]')]
  const onOutside = (e: Event) => { if (!wrap.contains(e.target as Node)) close(false) }
  function open(focus: 'first' | 'last') {
    list.hidden = false
    button.setAttribute('aria-expanded', 'true')
    const b = buttons()
    ;(focus === 'first' ? b[0] : b[b.length - 1])?.focus()
    document.addEventListener('pointerdown', onOutside, true)
  }
  function close(refocus: boolean) {
    list.hidden = true
    button.setAttribute('aria-expanded', 'false')
    document.removeEventListener('pointerdown', onOutside, true)
    if (refocus) button.focus()
  }
  button.addEventListener('click', () => (list.hidden ? open('first') : close(false)))
  button.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') { e.preventDefault(); open('first') }
    if (e.key === 'ArrowUp') { e.preventDefault(); open('last') }
  })
  list.addEventListener('keydown', (e) => {
    const b = buttons()
    const i = b.indexOf(document.activeElement as HTMLButtonElement)
    const go = (j: number) => { e.preventDefault(); b[(j + b.length) % b.length]?.focus() }
    if (e.key === 'ArrowDown') go(i + 1)
    else if (e.key === 'ArrowUp') go(i - 1)
    else if (e.key === 'Home') go(0)
    else if (e.key === 'End') go(b.length - 1)
    else if (e.key === 'Escape') { e.preventDefault(); close(true) }
    else if (e.key === 'Tab') close(false)
  })
  return wrap
}
