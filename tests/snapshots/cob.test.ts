import { describe, expect, it } from 'vitest'
import { cobInstant, cobLabel, localDate, nextCob, parseCobTime } from '../../server/snapshots/cob.ts'
import { startCobScheduler } from '../../server/snapshots/scheduler.ts'
import { FakeClock } from '../helpers/fake-clock.ts'

const ALMATY = 'Asia/Almaty'

describe('COB in the meeting time zone', () => {
  it('places 18:00 in Astana at the right UTC instant and labels the day', () => {
    const at = cobInstant('2022-10-04', '18:00', ALMATY)
    // In October 2022 Kazakhstan was at UTC+6.
    expect(new Date(at).toISOString()).toBe('2022-10-04T12:00:00.000Z')
    expect(localDate(at, ALMATY)).toBe('2022-10-04')
    expect(cobLabel('2022-10-04')).toBe('Podium version as of COB, 4 October 2022')
  })

  it('finds the next COB today before 18:00 and tomorrow after it, across midnight', () => {
    const before = Date.parse('2022-09-28T10:00:00Z') // 16:00 in Astana
    expect(nextCob(before, '18:00', ALMATY).date).toBe('2022-09-28')
    const after = Date.parse('2022-09-28T12:30:00Z') // 18:30
    expect(nextCob(after, '18:00', ALMATY).date).toBe('2022-09-29')
    const lateNight = Date.parse('2022-09-28T18:30:00Z') // 00:30 on the 29th in Astana
    expect(nextCob(lateNight, '18:00', ALMATY)).toEqual({ date: '2022-09-29', at: Date.parse('2022-09-29T12:00:00Z') })
  })

  it('rejects a bad COB time or zone with a RangeError naming it', () => {
    expect(() => parseCobTime('6pm')).toThrow(/"6pm"/)
    expect(() => cobInstant('2022-10-04', '18:00', 'Mars/Olympus')).toThrow(RangeError)
  })

  it('fires once per COB with a fake clock, over several days, and stops', () => {
    const clock = new FakeClock(Date.parse('2022-09-28T03:00:00Z')) // 09:00 in Astana
    const fired: string[] = []
    const s = startCobScheduler({ timeZone: ALMATY, cobTime: '18:00', clock, onCob: (date, at) => fired.push(`${date}@${new Date(at).toISOString()}`) })
    clock.advanceTo(Date.parse('2022-09-28T11:59:00Z'))
    expect(fired).toEqual([])
    clock.advanceTo(Date.parse('2022-09-30T00:00:00Z'))
    expect(fired).toEqual(['2022-09-28@2022-09-28T12:00:00.000Z', '2022-09-29@2022-09-29T12:00:00.000Z'])
    s.stop()
    clock.advanceTo(Date.parse('2022-10-05T00:00:00Z'))
    expect(fired).toHaveLength(2)
    expect(clock.pending).toBe(0)
  })

  it('keeps running after onCob throws, and reports the error', () => {
    const clock = new FakeClock(Date.parse('2022-10-03T13:00:00Z'))
    const errors: unknown[] = []
    let n = 0
    startCobScheduler({ timeZone: ALMATY, cobTime: '18:00', clock, onCob: () => { n++; throw new Error('disk full') }, onError: (e) => errors.push(e) })
    clock.advanceTo(Date.parse('2022-10-06T00:00:00Z'))
    expect(n).toBe(2)
    expect(errors).toHaveLength(2)
  })
})
