import { h } from '../ui/dom.ts'
import { signInWith, tokenFromPaste } from '../session/token.ts'

/** The page for a tab without a token: paste the sign-in link you were sent. */
export function showSignIn(root: HTMLElement, problem?: string): void {
  const input = h('input', { id: 'signin-link', type: 'text', autocomplete: 'off', placeholder: 'https://…/d/astana?token=…' })
  const form = h('form', { class: 'card signin' },
    h('h1', {}, 'Podium'),
    problem ? h('p', { class: 'problem', role: 'alert' }, problem) : h('p', {}, 'Open the sign-in link the secretariat sent you, or paste it here.'),
    h('label', { for: 'signin-link' }, 'Sign-in link'), input,
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'))
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    const got = tokenFromPaste(input.value)
    if (!got) return
    input.value = ''
    void signInWith(got.token).then((ok) => {
      if (ok) location.assign(got.path && got.path !== '/' ? got.path : '/')
      else showSignIn(root, 'This sign-in link is not valid (any more). Ask the secretariat for a new one.')
    }, (err: unknown) => showSignIn(root, `The server could not be reached: ${err instanceof Error ? err.message : String(err)}`))
  })
  root.replaceChildren(h('main', { class: 'home' }, form))
  input.focus()
}
