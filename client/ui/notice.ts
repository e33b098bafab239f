import { h } from './dom.ts'

/** A polite status line for the results of REST actions ("Snapshot taken", the server's refusal). */
export interface Notice {
  el: HTMLElement
  /** Shows a message; `problem` ones stay until the next message, others fade after a while. */
  say(message: string, problem?: boolean): void
}

/** A notice fixed at the bottom of the window: it never moves the text. */
export function createNotice(): Notice {
  const el = h('div', { class: 'notice', role: 'status', 'aria-live': 'polite' })
  let timer: ReturnType<typeof setTimeout> | null = null
  return {
    el,
    say(message, problem = false) {
      if (timer) clearTimeout(timer)
      el.textContent = message
      el.classList.toggle('problem', problem)
      if (!problem) timer = setTimeout(() => { el.textContent = '' }, 8000)
    }
  }
}
