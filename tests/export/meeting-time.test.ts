import { describe, expect, it } from 'vitest'
import { fileStamp, formatMeetingClock, formatMeetingDate, formatMeetingTime, isTimeZone } from '../../shared/time.ts'
import { asOfLine, exportFilename, footerLine } from '../../server/export/meta.ts'
import { validateMeeting } from '../../server/config.ts'
import { asOfLabel, cobLabel } from '../../server/snapshots/cob.ts'

// Almaty was UTC+6 in 2022; Zurich is UTC+2 in summer time and UTC+1 in winter.
const NOON_UTC = '2022-10-04T12:00:00Z'

describe('one meeting time zone everywhere', () => {
  it('writes a time in the meeting\'s zone, with it', () => {
    expect(formatMeetingTime(NOON_UTC, 'Asia/Almaty')).toBe('4 October 2022, 18:00 (Asia/Almaty)')
    expect(formatMeetingTime(new Date(NOON_UTC), 'Europe/Zurich', { month: 'short' })).toBe('4 Oct 2022, 14:00 (Europe/Zurich)')
    expect(formatMeetingTime(Date.parse('2022-12-04T12:00:00Z'), 'Europe/Zurich')).toBe('4 December 2022, 13:00 (Europe/Zurich)')
    expect(formatMeetingTime('2022-10-04T20:30:00Z', 'Asia/Almaty', { zone: false })).toBe('5 October 2022, 02:30')
    expect(formatMeetingDate(NOON_UTC, 'Asia/Almaty')).toBe('4 October 2022')
    expect(formatMeetingClock(NOON_UTC, 'Asia/Almaty')).toBe('18:00')
    expect(fileStamp(NOON_UTC, 'Asia/Almaty')).toBe('2022-10-04-1800')
    expect(formatMeetingTime(null, 'UTC')).toBe('—')
    expect(formatMeetingTime('not a time', 'UTC')).toBe('not a time')
    expect(() => fileStamp('not a time', 'UTC')).toThrow(RangeError)
  })

  it('snapshot labels name the zone of their time', () => {
    expect(asOfLabel(Date.parse('2022-10-04T11:42:00Z'), 'Asia/Almaty')).toBe('Podium version as of 4 October 2022, 17:42 (Asia/Almaty)')
    expect(cobLabel('2022-10-04')).toBe('Podium version as of COB, 4 October 2022')
  })

  it('knows IANA zones and refuses others, in the config too', () => {
    expect(isTimeZone('Asia/Almaty')).toBe(true)
    expect(isTimeZone('UTC')).toBe(true)
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false)
    expect(isTimeZone('')).toBe(false)
    expect(isTimeZone(42)).toBe(false)
    expect(() => validateMeeting({ timeZone: 'Mars/Olympus_Mons' })).toThrow(/not an IANA time zone/)
  })

  it('exports write the live text\'s time in the meeting\'s zone: the as-of line, the PDF footer and the file name', () => {
    const meta = { title: 'Draft Astana Statement', date: new Date(NOON_UTC), timeZone: 'Asia/Almaty' }
    expect(asOfLine(meta)).toBe('Text as of 4 October 2022, 18:00 (Asia/Almaty)')
    expect(footerLine(meta)).toBe('Text as of 4 October 2022, 18:00 (Asia/Almaty)')
    expect(exportFilename(meta, 'pdf')).toBe('draft-astana-statement-live-2022-10-04-1800almaty.pdf')
    // Without a zone, UTC, and said so.
    expect(asOfLine({ title: 'T', date: new Date(NOON_UTC) })).toBe('Text as of 4 October 2022, 12:00 (UTC)')
    expect(exportFilename({ title: 'T', date: new Date(NOON_UTC) }, 'text')).toBe('t-live-2022-10-04-1200utc.txt')
  })
})
