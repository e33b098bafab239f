// The demo meeting made on first start: the Draft Astana Statement and sign-in tokens for the
// secretariat, the chair, two delegations and an observer.

import { readFileSync } from 'node:fs'
import type { MeetingConfig } from './config.ts'
import { createDocument } from './documents.ts'
import type { Storage } from './storage/types.ts'
import { createToken, signInPath } from './tokens.ts'

/** The demo document's name and title. */
export const DEMO_DOC = Object.freeze({ name: 'astana-statement', title: 'Draft Astana Statement on CICA Transformation' })

/** The podium text the demo document is imported from. */
export const DEMO_TEXT_FILE = new URL('../fixtures/astana-statement.txt', import.meta.url)

/** One sign-in link made for the demo. `path` is `/d/<doc>?token=…` (prefix the server's origin). */
export interface DemoLink {
  role: string
  delegation: string | null
  label: string
  token: string
  path: string
}

/**
 * When storage holds no document and no token (a new data directory), creates the demo document
 * and its sign-in tokens and returns the links; otherwise returns null and changes nothing.
 * The two delegations are IND and CHN when the roster has them, else its first two non-chair codes.
 */
export function seedDemo(storage: Storage, meeting: MeetingConfig, textFile: URL | string = DEMO_TEXT_FILE): DemoLink[] | null {
  if (storage.listDocs().length > 0 || storage.listTokens().length > 0) return null
  const created = createDocument(storage, DEMO_DOC.name, DEMO_DOC.title, readFileSync(textFile, 'utf8'), meeting.roster)
  if (!created.ok) throw new Error(`demo document could not be created: ${created.reason}`)
  const codes = meeting.roster.map((e) => e.code).filter((c) => c !== 'CHAIR')
  const preferred = ['IND', 'CHN'].filter((c) => codes.includes(c))
  const delegations = [...preferred, ...codes.filter((c) => !preferred.includes(c))].slice(0, 2)
  const wanted = [
    { role: 'secretariat', delegation: null, label: 'Secretariat' },
    { role: 'chair', delegation: null, label: 'Chair' },
    ...delegations.map((code) => ({ role: 'delegation', delegation: code, label: meeting.roster.find((e) => e.code === code)!.name })),
    { role: 'observer', delegation: null, label: 'Podium screen' }
  ]
  return wanted.map((w) => {
    // Meeting-wide (doc null): the demo's people may open every document of the meeting; the link opens the demo text.
    const { token } = createToken(storage, { ...w, doc: null }, meeting.roster)
    return { role: w.role, delegation: w.delegation, label: w.label, token, path: signInPath(DEMO_DOC.name, token) }
  })
}
