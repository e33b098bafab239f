import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { Node } from 'prosemirror-model'
import { schema } from '../../shared/schema.ts'
import { readDocFromY } from '../../shared/ydoc.ts'
import { exportDocx } from '../../server/export/docx.ts'
import type { RunningServer } from '../../server/index.ts'
import { cleanupDirs, DOC, start, token } from '../server/helpers.ts'
import { api } from '../snapshots/helpers.ts'

let server: RunningServer | undefined
afterEach(async () => { await server?.close(); server = undefined })
afterAll(cleanupDirs)

// Word text with characters podium text reads as markup: asterisks (Word's brackets are brackets).
const WORDS = 'OP1. * * * 1st Change * * * and *starred* words'

// A Word file whose paragraph holds WORDS as plain text.
async function wordFile(): Promise<string> {
  const doc = schema.node('doc', null, [schema.node('paragraph', { id: 'p1' }, [schema.text(WORDS)])])
  return (await exportDocx(doc, { title: 'Literal' })).toString('base64')
}

// The text nodes of the block starting with `start`, with their marks.
function runs(doc: Node, start: string): { text: string; marks: string[] }[] {
  let out: { text: string; marks: string[] }[] = []
  doc.forEach((b) => {
    if (!b.textContent.startsWith(start)) return
    out = []
    b.forEach((n) => out.push({ text: n.text ?? `<${n.type.name}>`, marks: n.marks.map((m) => m.type.name) }))
  })
  return out
}

describe('an import confirmed in the browser', () => {
  it('writes the document as the preview read it: Word text is never read as markup a second time (replace and create)', async () => {
    server = await start({ cob: false })
    const sec = token(server, 'secretariat')
    const preview = await api(server, sec, 'POST', '/import/preview', { filename: 'literal.docx', data: await wordFile() })
    expect(preview.status).toBe(200)
    expect(preview.body.doc.type).toBe('doc')

    const replaced = await api(server, sec, 'POST', `/docs/${DOC}/replace`, { doc: preview.body.doc })
    expect(replaced.status).toBe(200)
    const live = readDocFromY(server.hub.rooms.get(DOC)?.ydoc ?? (await import('../../server/documents.ts')).loadStoredYDoc(server.storage, DOC)!)
    expect(runs(live, 'OP1.')).toEqual([{ text: WORDS, marks: [] }])

    const created = await api(server, sec, 'POST', '/docs', { name: 'literal', doc: preview.body.doc })
    expect(created.status).toBe(201)
    const stored = readDocFromY((await import('../../server/documents.ts')).loadStoredYDoc(server.storage, 'literal')!)
    expect(runs(stored, 'OP1.')).toEqual([{ text: WORDS, marks: [] }])
    // The podium text path, for comparison, reads the asterisks as emphasis: what the web import did before.
    const asText = await api(server, sec, 'POST', '/docs', { name: 'as-text', text: preview.body.text })
    expect(asText.status).toBe(201)
    const reread = readDocFromY((await import('../../server/documents.ts')).loadStoredYDoc(server.storage, 'as-text')!)
    expect(runs(reread, 'OP1.').some((r) => r.marks.includes('emphasis'))).toBe(true)
  })

  it('refuses a document that is not a podium document, in words, and changes nothing', async () => {
    server = await start({ cob: false })
    const sec = token(server, 'secretariat')
    const bad = [
      { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'script', text: 'x' }] }] },
      { type: 'doc', content: [{ type: 'paragraph', attrs: { onclick: 'x' } }] },
      { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'delegation_mark', attrs: { delegation: '__proto__', stance: '+' } }] }] },
      { type: 'doc', content: [] },
      'not a document'
    ]
    const before = (await api(server, sec, 'GET', `/docs/${DOC}/text`)).text
    for (const doc of bad) {
      const r = await api(server, sec, 'POST', `/docs/${DOC}/replace`, { doc })
      expect(r.status, JSON.stringify(doc)).toBe(400)
      expect(typeof r.body.error === 'string' || typeof r.body.message === 'string').toBe(true)
      expect((await api(server, sec, 'POST', '/docs', { name: 'bad', doc })).status).toBe(400)
    }
    expect((await api(server, sec, 'GET', `/docs/${DOC}/text`)).text).toBe(before)
    expect(server.storage.getDoc('bad')).toBeNull()
  })
})
