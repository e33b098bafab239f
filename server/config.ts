// The meeting configuration: podium.config.json in the working directory, or --config FILE.

import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { DEFAULT_ROSTER, validateRoster, type RosterEntry } from '../shared/roster.ts'
import { isTimeZone } from '../shared/time.ts'

/** A meeting as the server and the client show it. */
export interface MeetingConfig {
  name: string
  dates: string
  timeZone: string
  cobTime: string
  roster: readonly RosterEntry[]
}

/** The config file looked for in the working directory when --config is not given. */
export const CONFIG_FILE = 'podium.config.json'

/** The meeting used when no config file exists: the CICA SWG of autumn 2022. */
export const DEFAULT_MEETING: MeetingConfig = Object.freeze({
  name: 'CICA Special Working Group',
  dates: '28–29 September and 4 October 2022',
  timeZone: 'Asia/Almaty',
  cobTime: '18:00',
  roster: DEFAULT_ROSTER
})

/**
 * Checks a parsed config object, filling defaults for missing fields. Throws a RangeError naming
 * the first bad value (unknown time zone, COB time not HH:MM, bad roster entry).
 */
export function validateMeeting(value: unknown): MeetingConfig {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new RangeError('meeting config must be a JSON object')
  const v = value as Record<string, unknown>
  const str = (key: string, fallback: string): string => {
    if (v[key] === undefined) return fallback
    if (typeof v[key] !== 'string' || !(v[key] as string).trim()) throw new RangeError(`config ${key} ${JSON.stringify(v[key])} is not a non-empty string`)
    return v[key] as string
  }
  const timeZone = str('timeZone', DEFAULT_MEETING.timeZone)
  if (!isTimeZone(timeZone)) throw new RangeError(`config timeZone ${JSON.stringify(timeZone)} is not an IANA time zone (e.g. Asia/Almaty, Europe/Zurich)`)
  const cobTime = str('cobTime', DEFAULT_MEETING.cobTime)
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(cobTime)) throw new RangeError(`config cobTime ${JSON.stringify(cobTime)} is not HH:MM`)
  return {
    name: str('name', DEFAULT_MEETING.name),
    dates: str('dates', DEFAULT_MEETING.dates),
    timeZone,
    cobTime,
    roster: v.roster === undefined ? DEFAULT_ROSTER : validateRoster(v.roster)
  }
}

/**
 * Loads the meeting config from `file`, or from podium.config.json in `cwd` when `file` is not
 * given (the default meeting when that does not exist). Throws a RangeError for a missing
 * explicit file, bad JSON or bad values.
 */
export function loadMeeting(file: string | undefined, cwd = process.cwd()): MeetingConfig {
  const path = file ? resolve(cwd, file) : resolve(cwd, CONFIG_FILE)
  if (!existsSync(path)) {
    if (file) throw new RangeError(`config file ${file} does not exist`)
    return DEFAULT_MEETING
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new RangeError(`config file ${path} is not valid JSON: ${(err as Error).message}`)
  }
  return validateMeeting(parsed)
}
