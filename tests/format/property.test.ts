import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { normalisePodiumText, parsePodium, serializePodium } from '../../shared/format/index.ts'
import { counterIds } from '../../shared/ids.ts'
import { podiumDoc, podiumishText } from '../helpers/arbitraries.ts'
import { withoutIds } from '../helpers/builders.ts'

const parse = (t: string) => parsePodium(t, { ids: counterIds() }).doc

describe('round trips (property tests)', () => {
  it('text → document → text is the normalised text, for podium-like text', () => {
    fc.assert(fc.property(podiumishText, (t) => {
      expect(serializePodium(parse(t))).toBe(normalisePodiumText(t))
    }), { numRuns: 3000, seed: 20221004 })
  })

  it('text → document → text is the normalised text, for arbitrary unicode', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (t) => {
      expect(serializePodium(parse(t))).toBe(normalisePodiumText(t))
    }), { numRuns: 1000, seed: 928 })
  })

  it('document → text → document is the identity (block ids aside)', () => {
    fc.assert(fc.property(podiumDoc, (d) => {
      d.check()
      const back = parse(serializePodium(d))
      expect(withoutIds(back)).toEqual(withoutIds(d))
    }), { numRuns: 2000, seed: 2022 })
  })

  it('parsing never throws and always yields a valid document', () => {
    fc.assert(fc.property(podiumishText, (t) => {
      const { doc, warnings } = parsePodium(t)
      doc.check()
      for (const w of warnings) expect(w.line).toBeGreaterThan(0)
    }), { numRuns: 1000, seed: 7 })
  })
})
