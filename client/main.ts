// Entry point: picks the page from the address. `/` is the meeting home, `/d/<doc>` a document.
import './styles/app.css'
import './styles/editor.css'
import { captureToken, forgetToken } from './session/token.ts'
import { ApiError } from './session/api.ts'
import { showHome } from './pages/home.ts'
import { showDocument, type DocumentHandle } from './pages/document.ts'
import { showSignIn } from './pages/sign-in.ts'
import { Paths } from '../shared/protocol.ts'

declare global {
  interface Window {
    /** The open document, for debugging from the console and for browser tests. */
    podium?: DocumentHandle
  }
}

async function main() {
  const root = document.getElementById('app')!
  const token = captureToken()
  const path = location.pathname
  const docMatch = new RegExp(`^${Paths.document}/([^/]+)/?$`).exec(path)
  if (!token) return showSignIn(root)
  try {
    if (docMatch) window.podium = await showDocument(root, decodeURIComponent(docMatch[1]), token)
    else await showHome(root, token)
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
      forgetToken()
      return showSignIn(root, 'This sign-in link is not valid (any more). Ask the secretariat for a new one.')
    }
    root.textContent = `Podium could not start: ${e instanceof Error ? e.message : String(e)}`
    throw e
  }
}

void main()
