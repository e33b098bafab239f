import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { zipSync, strToU8 } from 'fflate'
import { podium } from '../helpers/cli.ts'

// Word drafts through the command line: formats Podium does not read are named with what to do,
// and a draft's header and version line are kept with the document and exported.

const SBSTA = resolve(import.meta.dirname, '../../../shared/fixtures/real-drafts/unfccc_art62_sbsta_dd_1st_iteration.docx')

describe('podium import, convert and status with Word files', () => {
  it('names a .doc, an .rtf and an .odt and says to save as .docx (exit 2, one line), in every command', () => {
    const dir = mkdtempSync(join(tmpdir(), 'podium-word-'))
    const files: [string, Uint8Array, RegExp][] = [
      ['old.doc', new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 1, 2, 3, 4]), /Word 97–2003 document \(\.doc\).*save it as Word Document \(\.docx\)/],
      ['old.rtf', strToU8('{\\rtf1\\ansi hello}'), /Rich Text \(\.rtf\).*save it as Word Document \(\.docx\)/],
      ['draft.odt', zipSync({ mimetype: strToU8('application/vnd.oasis.opendocument.text'), 'content.xml': strToU8('<x/>') }), /OpenDocument file \(\.odt\).*save it as Word \(\.docx\)/]
    ]
    for (const [name, bytes, message] of files) {
      const path = join(dir, name)
      writeFileSync(path, bytes)
      // Every command on the .doc; convert on the others (one process each: the machine is shared).
      const commands = name.endsWith('.doc') ? [['convert', path, '--to', 'text'], ['status', path], ['import', path, '--doc', 'x', '--data', dir]] : [['convert', path, '--to', 'text']]
      for (const args of commands) {
        const r = podium(args)
        expect(r.code, `${args[0]} ${name}`).toBe(2)
        expect(r.stderr.trim().split('\n'), `${args[0]} ${name}`).toHaveLength(1)
        expect(r.stderr, `${args[0]} ${name}`).toMatch(message)
      }
    }
    expect(existsSync(join(dir, 'podium.db'))).toBe(false)
  })

  it('keeps the SBSTA draft\'s header and version line with the document: stored by import, in the HTML and Akoma Ntoso exports', () => {
    if (!existsSync(SBSTA)) throw new Error(`the real-draft fixture ${SBSTA} is missing`)
    const dir = mkdtempSync(join(tmpdir(), 'podium-word-'))
    const imported = podium(['import', SBSTA, '--doc', 'sbsta', '--data', dir])
    expect(imported.code, imported.stderr).toBe(0)
    expect(imported.stdout).toContain('version: Version 14/11/2024 13:00')
    const html = podium(['export', 'sbsta', '--format', 'html', '--data', dir])
    expect(html.code, html.stderr).toBe(0)
    expect(html.stdout).toContain('<p class="source-header">Version 14/11/2024 13:00</p>')
    const out = join(dir, 'sbsta.akn.xml')
    const akn = podium(['export', 'sbsta', '--format', 'akn', '--data', dir, '-o', out])
    expect(akn.code, akn.stderr).toBe(0)
    expect(readFileSync(out, 'utf8')).toContain('<container name="sourceHeader" eId="hdr_8"><p>Version 14/11/2024 13:00</p></container>')
  }, 60_000)
})
