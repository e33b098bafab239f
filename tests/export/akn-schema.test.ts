import { describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Node } from 'prosemirror-model'
import { parsePodium } from '../../shared/format/index.ts'
import { exportAkn } from '../../server/export/index.ts'
import { previewImport } from '../../server/import/index.ts'
import { br, doc, fn, p, pos } from '../helpers/builders.ts'
import { ASTANA, SEED } from '../helpers/seed.ts'

// Akoma Ntoso exports validated against the OASIS Akoma Ntoso 3.0 schema (tests/fixtures/akn) with
// xmllint (Debian package libxml2-utils; .ci/run installs it). Without xmllint these tests fail.

const SCHEMA = resolve(import.meta.dirname, '../fixtures/akn/akomantoso30.xsd')
const DRAFTS = resolve(import.meta.dirname, '../../../shared/fixtures/real-drafts')
const META = { title: 'Draft Astana Statement', label: 'Podium version as of COB, 4 October 2022', hash: 'abc123', date: new Date('2022-10-04T18:00:00Z') }

// xmllint's verdict on one XML text: null when it validates, else its first complaints.
function schemaProblems(xml: string): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'podium-akn-'))
  try {
    const file = join(dir, 'out.akn.xml')
    writeFileSync(file, xml)
    try {
      execFileSync('xmllint', ['--noout', '--schema', SCHEMA, file], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 })
      return null
    } catch (err) {
      const e = err as { code?: string; stderr?: Buffer }
      if (e.code === 'ENOENT') throw new Error('xmllint is not installed: apt-get install libxml2-utils (the AKN schema tests need it)')
      return String(e.stderr ?? err).split('\n').slice(0, 5).join('\n')
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function wordDoc(file: string): Promise<{ doc: Node; header: string[]; title: string }> {
  const path = resolve(DRAFTS, file)
  if (!existsSync(path)) throw new Error(`the real-draft fixture ${path} is missing (../shared/fixtures/real-drafts)`)
  const r = await previewImport(new Uint8Array(readFileSync(path)), file)
  if (!r.ok) throw new Error(r.message)
  return { doc: r.doc, header: r.metadata?.header ?? [], title: r.title ?? file }
}

describe('Akoma Ntoso exports validate against the OASIS Akoma Ntoso 3.0 schema', () => {
  it('the schema is the one copied from the standard (its hash), and a broken export is refused by it', () => {
    expect(createHash('sha256').update(readFileSync(SCHEMA)).digest('hex')).toBe('fa2487ece2028e9f0f9e46549493dfde176904c9a0ff13ad916b7366eea9daaa')
    const good = exportAkn(parsePodium(ASTANA).doc, META)
    expect(schemaProblems(good)).toBeNull()
    // The check can fail: an element the schema does not know inside a paragraph.
    expect(schemaProblems(good.replace('<p>', '<p><bracket/>'))).toMatch(/bracket/)
  })

  it('the Astana Statement and the whole seed', () => {
    expect(schemaProblems(exportAkn(parsePodium(ASTANA).doc, META))).toBeNull()
    expect(schemaProblems(exportAkn(parsePodium(SEED).doc, META))).toBeNull()
  })

  it('footnotes, endnotes, a bracket over several paragraphs and the draft\'s header lines', () => {
    const d = doc(
      p('OP1. Recalls decision 2/CMA.3', fn('Decision 2/CMA.3, annex.'), ' [Option A:'),
      p('OP2. ', br('Takes note', fn('A note in a bracket.', 'endnote')), ' ', pos('-ISR')),
      p('OP3. End of the option.] (+IND)')
    )
    const xml = exportAkn(d, { ...META, header: ['SBSTA 61 – agenda item 13(a)', 'Version 14/11/2024 13:00'] })
    expect(schemaProblems(xml)).toBeNull()
    expect(xml).toContain('<authorialNote marker="1" placement="bottom" eId="fn_1" class="footnote"><p>Decision 2/CMA.3, annex.</p></authorialNote>')
    expect(xml).toContain('<authorialNote marker="i" eId="en_1" class="endnote"><p>A note in a bracket.</p></authorialNote>')
    expect(xml).toContain('<inline name="bracketStart" eId="span_1_start" class="span-1">[</inline>')
    expect(xml).toContain('<inline name="bracketEnd" eId="span_1_end" class="span-1">]</inline>')
    expect(xml).toContain('<container name="sourceHeader" eId="hdr_2"><p>Version 14/11/2024 13:00</p></container>')
  })

  it('the three real Word drafts as imported (SBSTA: 14 footnotes, endnotes, brackets over paragraphs, the version line)', async () => {
    for (const f of ['unfccc_art62_sbsta_dd_1st_iteration.docx', 'unfccc_art62_cma_party_inputs.docx', '3gpp_S2-1812372_evaluation.docx']) {
      const { doc: d, header, title } = await wordDoc(f)
      const xml = exportAkn(d, { title, header })
      expect(schemaProblems(xml), f).toBeNull()
      if (f.startsWith('unfccc_art62_sbsta')) {
        expect((xml.match(/<authorialNote [^>]*class="footnote"/g) ?? []).length).toBe(14)
        expect((xml.match(/<authorialNote [^>]*class="endnote"/g) ?? []).length).toBeGreaterThanOrEqual(10)
        expect((xml.match(/name="bracketStart"/g) ?? []).length).toBeGreaterThan(5)
        expect(xml).toContain('<p>Version 14/11/2024 13:00</p>')
      }
    }
  }, 60_000)
})
