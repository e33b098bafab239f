// Entry point: picks the page from the address. `/` is the meeting home, `/d/<doc>` a document.
import './styles/app.css'
import './styles/editor.css'
import { captureSession, forgetSession } from './session/token.ts'
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
  const refusedLink = 'This sign-in link is not valid (any more). Ask the secretariat for a new one.'
  let captured
  try {
    captured = await captureSession()
  } catch (e) {
    root.textContent = `Podium could not reach the server: ${e instanceof Error ? e.message : String(e)}`
    throw e
  }
  const { session, refused } = captured
  const path = location.pathname
  const docMatch = new RegExp(`^${Paths.document}/([^/]+)/?$`).exec(path)
  if (!session) return showSignIn(root, refused ? refusedLink : undefined)
  try {
    if (docMatch) window.podium = await showDocument(root, decodeURIComponent(docMatch[1]), session)
    else await showHome(root, session)
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      forgetSession()
      return showSignIn(root, 'This sign-in link is not valid (any more). Ask the secretariat for a new one.')
    }
    root.textContent = `Podium could not start: ${e instanceof Error ? e.message : String(e)}`
    throw e
  }
}

void main()
