import { describe, expect, it } from 'vitest'
import { normalisePodiumText, parsePodium, serializePodium } from '../../shared/format/index.ts'
import { SEED } from '../helpers/seed.ts'

describe('the seed transmittal', () => {
  const { doc, warnings } = parsePodium(SEED)

  it('survives parse and serialize without losing a character', () => {
    expect(serializePodium(doc)).toBe(normalisePodiumText(SEED))
  })

  it('reports exactly the one unmatched bracket, in item e) of the ICT concept paper, with line and column', () => {
    expect(warnings).toHaveLength(1)
    const lines = SEED.split('\n')
    const { line, column, message } = warnings[0]
    expect(message).toMatch(/unmatched "\]"/)
    expect(lines[line - 1].startsWith('- e) Improving cooperation')).toBe(true)
    expect(lines[line - 1][column - 1]).toBe(']')
    expect(lines[line - 1].slice(column - 12, column)).toBe('CICA Catalogue of CBMs]'.slice(-12))
  })

  it('round-trips the Russian and Kazakh pages like the English ones', () => {
    const text = serializePodium(doc)
    for (const phrase of ['СЕКРЕТАРИАТ СОВЕЩАНИЯ ПО ВЗАИМОДЕЙСТВИЮ', 'Азиядағы өзара іс-қимыл және сенім шаралары кеңесінің', 'ГОСУДАРСТВА-ЧЛЕНЫ']) {
      expect(text).toContain(phrase)
    }
    const headings: string[] = []
    doc.forEach((b) => { if (b.type.name === 'heading') headings.push(b.textContent) })
    expect(headings).toContain('СЕКРЕТАРИАТ СОВЕЩАНИЯ ПО ВЗАИМОДЕЙСТВИЮ\nИ МЕРАМ ДОВЕРИЯ В АЗИИ')
  })

  it('recognises the document titles as headings', () => {
    const headings: string[] = []
    doc.forEach((b) => { if (b.type.name === 'heading') headings.push(b.textContent) })
    expect(headings).toEqual(expect.arrayContaining([
      'DRAFT ASTANA STATEMENT ON CICA TRANSFORMATION',
      'PODIUM VERSION AS OF COB, 4 OCTOBER 2022',
      'Pillar I: Measures to address the conditions conducive to the spread of terrorism'
    ]))
  })

  it('finds every position mark and note of the seed', () => {
    let positions = 0
    let notes = 0
    let maxDepth = 0
    const walk = (n: typeof doc, depth: number) => n.forEach((c) => {
      if (c.type.name === 'delegation_mark') positions++
      if (c.type.name === 'note') notes++
      if (c.type.name === 'bracket') { maxDepth = Math.max(maxDepth, depth + 1); walk(c, depth + 1) } else walk(c, depth)
    })
    walk(doc, 0)
    expect(positions).toBe((SEED.match(/\([+-][A-Z]+[^)]*\)/g) ?? []).length)
    expect(notes).toBe(5)
    expect(maxDepth).toBe(2)
  })

  it('gives every block a unique id', () => {
    const ids = new Set<string>()
    doc.forEach((b) => ids.add(b.attrs.id))
    expect(ids.size).toBe(doc.childCount)
  })
})
