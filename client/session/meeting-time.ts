// The meeting's time zone for this tab: set once the server has said it (GET /api/me, session/api.ts),
// and used by every time the client shows (shared/time.ts writes it in that zone and names the zone).

import { fileStamp, formatMeetingClock, formatMeetingTime, isTimeZone, type Moment } from '../../shared/time.ts'

let zone = 'UTC'

/** Sets the meeting's time zone (an unknown one is left out: times stay in UTC, and say so). */
export function setMeetingTimeZone(timeZone: string): void {
  if (isTimeZone(timeZone)) zone = timeZone
}

/** The meeting's time zone as this tab knows it. */
export function meetingTimeZone(): string {
  return zone
}

/** A time in the meeting's zone, with it: "4 Oct 2022, 18:00 (Asia/Almaty)"; "—" when there is none. */
export function meetingTime(value: Moment | null | undefined): string {
  return formatMeetingTime(value, zone, { month: 'short' })
}

/** The clock time in the meeting's zone: "18:00". */
export function meetingClock(value: Moment): string {
  return formatMeetingClock(value, zone)
}

/** A file-name stamp in the meeting's zone: "2022-10-04-1800". */
export function meetingFileStamp(value: Moment = new Date()): string {
  return fileStamp(value, zone)
}
