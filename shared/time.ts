// Times as people read them, always in the meeting's time zone and written with it: one formatter for
// the meeting home, the history panel, labels, exports and the PDF footer, in the browser and the server.

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

/** A moment as the formatters take it: an ISO text, a Date, or ms since the epoch. */
export type Moment = string | number | Date

const formats = new Map<string, Intl.DateTimeFormat>()

// One formatter per zone (building an Intl.DateTimeFormat costs far more than using one).
function formatIn(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
    formats.set(timeZone, f)
  }
  return f
}

/** Whether `timeZone` is an IANA time zone this runtime knows ("Asia/Almaty", "UTC"). */
export function isTimeZone(timeZone: unknown): timeZone is string {
  if (typeof timeZone !== 'string' || !timeZone) return false
  try {
    formatIn(timeZone)
    return true
  } catch {
    return false
  }
}

function instantOf(value: Moment): number {
  return value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value)
}

/** The wall-clock date and time of `value` in `timeZone`, or null when `value` is not a time. Throws a RangeError for an unknown zone. */
export function wallClock(value: Moment, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number } | null {
  const t = instantOf(value)
  if (!Number.isFinite(t)) return null
  const parts = formatIn(timeZone).formatToParts(new Date(t))
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value)
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute') }
}

const pad = (n: number) => String(n).padStart(2, '0')

/**
 * `value` as people write it, in the meeting's zone and saying which: "4 October 2022, 18:00 (Asia/Almaty)".
 * `zone: false` leaves the zone out (a list whose heading names it); `month: 'short'` writes "4 Oct 2022".
 * A text that is not a time is returned as it is; an empty one as "—".
 */
export function formatMeetingTime(value: Moment | null | undefined, timeZone: string, opts: { zone?: boolean; month?: 'long' | 'short' } = {}): string {
  if (value === null || value === undefined || value === '') return '—'
  const w = wallClock(value, timeZone)
  if (!w) return String(value)
  const month = MONTHS[w.month - 1]
  const text = `${w.day} ${opts.month === 'short' ? month.slice(0, 3) : month} ${w.year}, ${pad(w.hour)}:${pad(w.minute)}`
  return opts.zone === false ? text : `${text} (${timeZone})`
}

/** The date alone, in the meeting's zone: "4 October 2022". */
export function formatMeetingDate(value: Moment, timeZone: string): string {
  const w = wallClock(value, timeZone)
  return w ? `${w.day} ${MONTHS[w.month - 1]} ${w.year}` : String(value)
}

/** The clock time alone, in the meeting's zone: "18:00" (an axis label; the chart names the zone). */
export function formatMeetingClock(value: Moment, timeZone: string): string {
  const w = wallClock(value, timeZone)
  return w ? `${pad(w.hour)}:${pad(w.minute)}` : ''
}

/** A stamp for file names, in the meeting's zone: "2022-10-04-1800". */
export function fileStamp(value: Moment, timeZone: string): string {
  const w = wallClock(value, timeZone)
  if (!w) throw new RangeError(`${JSON.stringify(value)} is not a time`)
  return `${w.year}-${pad(w.month)}-${pad(w.day)}-${pad(w.hour)}${pad(w.minute)}`
}

/** The month names, for labels built elsewhere ("Podium version as of COB, 4 October 2022"). */
export const MONTH_NAMES: readonly string[] = Object.freeze([...MONTHS])
