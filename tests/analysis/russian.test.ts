import { describe, expect, it } from 'vitest'
import { analyse } from '../../shared/analysis/index.ts'
import { normalisePodiumText, parsePodium, serializePodium } from '../../shared/format/index.ts'
import { DEFAULT_ROSTER, validateRoster, type RosterEntry } from '../../shared/roster.ts'

// A podium version in Russian uses the same marks with Cyrillic labels and codes; where the roster
// gives both, `(+ИРАН)` is Iran's position as `(+IRAN)` is.

const ROSTER: RosterEntry[] = DEFAULT_ROSTER.map((r) => ({
  ...r,
  aliases: ({ IRAN: ['ИРАН'], IND: ['ИНД'], CHN: ['КНР'], RUS: ['РФ'], CHAIR: ['ПРЕДС'] } as Record<string, string[]>)[r.code]
})).map((r) => (r.aliases ? r : { code: r.code, name: r.name, colour: r.colour }))

const EN = `PP4. Reaffirming [our commitment] (+IRAN) (-IND) to the Charter;

OP5. [Decides] (+CHN) to act (IND: keep original)

(1) [first] (-RUS)

OP6. Agreed text.
`
const RU = `ПП4. Подтверждая [нашу приверженность] (+ИРАН) (-ИНД) Уставу;

ОП5. [Постановляет] (+КНР) действовать (ИНД: сохранить оригинал)

(1) [первое] (-РФ)

ОП6. Согласованный текст.
`

describe('Russian podium text', () => {
  it('reads Cyrillic labels and codes and gives the same counts as the English text', () => {
    const en = analyse(parsePodium(EN, { roster: ROSTER }).doc, ROSTER)
    const ru = analyse(parsePodium(RU, { roster: ROSTER }).doc, ROSTER)
    expect(ru.totals).toEqual(en.totals)
    expect(ru.paragraphs.map((p) => p.label)).toEqual(['ПП4', 'ОП5', '(1)', 'ОП6'])
    expect(ru.paragraphs.map((p) => p.ref)).toEqual(['ПП4', 'ОП5', 'ОП5(1)', 'ОП6'])
    for (const code of ['IRAN', 'IND', 'CHN', 'RUS']) {
      expect({ code, s: ru.delegations[code].supports, o: ru.delegations[code].opposes, n: ru.delegations[code].notes.length })
        .toEqual({ code, s: en.delegations[code].supports, o: en.delegations[code].opposes, n: en.delegations[code].notes.length })
    }
    expect(parsePodium(RU, { roster: ROSTER }).warnings).toEqual([])
  })

  it('keeps the Russian text byte for byte', () => {
    expect(serializePodium(parsePodium(RU, { roster: ROSTER }).doc)).toBe(normalisePodiumText(RU))
  })

  it('reports a mark that looks like a position but names no delegation on the roster', () => {
    const { warnings } = parsePodium('PP1. [text] (+Iran) (+XYZ) (+ИРАН)\n', { roster: DEFAULT_ROSTER })
    expect(warnings.map((w) => w.message)).toEqual([
      '(+Iran) looks like a position, but "Iran" is not a delegation on the roster',
      '(+XYZ) looks like a position, but "XYZ" is not a delegation on the roster',
      '(+ИРАН) looks like a position, but "ИРАН" is not a delegation on the roster'
    ])
    expect(parsePodium('PP1. [text] (+ИРАН)\n', { roster: ROSTER }).warnings).toEqual([])
  })

  it('a roster may give Cyrillic aliases; an alias used twice is refused', () => {
    expect(validateRoster([{ code: 'IRAN', name: 'Iran', colour: '#239f40', aliases: ['ИРАН', 'Iran'] }])[0].aliases).toEqual(['ИРАН', 'Iran'])
    expect(validateRoster([{ code: 'ИРАН', name: 'Иран', colour: '#239f40' }])[0].code).toBe('ИРАН')
    expect(() => validateRoster([{ code: 'IRAN', name: 'Iran', colour: '#1', aliases: ['ИРАН'] }, { code: 'IRAQ', name: 'Iraq', colour: '#1', aliases: ['ИРАН'] }])).toThrow(/appears twice/)
  })
})
