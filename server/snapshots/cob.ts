// Close of business in the meeting's time zone: when it falls, and what the day's snapshot is called.
// Pure functions over instants (ms since epoch) and IANA time zones, using the runtime's tz database.

import { formatMeetingTime, MONTH_NAMES } from '../../shared/time.ts'

const MONTHS = MONTH_NAMES

/** The wall-clock date and time of `instant` in `timeZone`. Throws a RangeError for an unknown zone. */
export function wallClock(instant: number, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit'
  }).formatToParts(new Date(instant))
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value)
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute') }
}

/** The local date (`YYYY-MM-DD`) of `instant` in `timeZone`. */
export function localDate(instant: number, timeZone: string): string {
  const w = wallClock(instant, timeZone)
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`
}

/** Checks `HH:MM` and returns [hours, minutes]; throws a RangeError naming a bad value. */
export function parseCobTime(cobTime: string): [number, number] {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(cobTime)
  if (!m) throw new RangeError(`COB time ${JSON.stringify(cobTime)} is not HH:MM`)
  return [Number(m[1]), Number(m[2])]
}

/** The instant at which COB (`HH:MM` local) falls on local date `date` (`YYYY-MM-DD`) in `timeZone`. */
export function cobInstant(date: string, cobTime: string, timeZone: string): number {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  if (!d) throw new RangeError(`date ${JSON.stringify(date)} is not YYYY-MM-DD`)
  const [h, mi] = parseCobTime(cobTime)
  const asUtc = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), h, mi)
  // Find the offset at that moment; twice, in case the first guess straddles a change of offset.
  let guess = asUtc
  for (let i = 0; i < 2; i++) {
    const w = wallClock(guess, timeZone)
    const wallAsUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute)
    guess = asUtc - (wallAsUtc - guess)
  }
  return guess
}

/** The next COB strictly after `now`: its local date and instant. */
export function nextCob(now: number, cobTime: string, timeZone: string): { date: string; at: number } {
  const today = localDate(now, timeZone)
  const at = cobInstant(today, cobTime, timeZone)
  if (at > now) return { date: today, at }
  // The next local day: noon of today plus 24h always lands on the next calendar day.
  const tomorrow = localDate(cobInstant(today, '12:00', timeZone) + 24 * 3600_000, timeZone)
  return { date: tomorrow, at: cobInstant(tomorrow, cobTime, timeZone) }
}

/** The label of a snapshot taken by hand at `instant`, in the meeting's zone and naming it: "Podium version as of 4 October 2022, 17:42 (Asia/Almaty)". */
export function asOfLabel(instant: number, timeZone: string): string {
  return `Podium version as of ${formatMeetingTime(instant, timeZone)}`
}

/** The label of a COB snapshot, as secretariats write it: "Podium version as of COB, 4 October 2022". */
export function cobLabel(date: string): string {
  const [y, m, d] = date.split('-').map(Number)
  return `Podium version as of COB, ${d} ${MONTHS[m - 1]} ${y}`
}
